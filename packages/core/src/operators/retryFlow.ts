import { NonFailureCancellation } from '../impl/GraphInterpreter.js';
import type { Attributes, Decider } from '../stage/Attributes.js';
import { BidiShape } from '../stage/BidiShape.js';
import { GraphStage } from '../stage/GraphStage.js';
import type { GraphStageLogic } from '../stage/GraphStageLogic.js';
import { Inlet, Outlet } from '../stage/Ports.js';
import { TimerGraphStageLogic } from '../stage/TimerGraphStageLogic.js';
import { decide } from './FlowStage.js';
import type { RestartSettings } from './restartSettings.js';
import { requireFunction, requireNonNegativeInt } from './validate.js';

const None: unique symbol = Symbol('None');

/**
 * The stage behind `RetryFlow.withBackoff` (Akka's `RetryFlowCoordinator`). It sits around the
 * wrapped flow, wired as a bidi: `externalIn → internalOut → flow → internalIn → externalOut`. One
 * element is in flight at a time. Each result of the flow goes to `decideRetry(input, result)`: no new
 * input means the result is emitted; a new input is sent into the flow again after a backoff, up to
 * `maxRetries` times, after which the last result is emitted.
 */
export class RetryCoordinator<I, O> extends GraphStage<BidiShape<I, I, O, O>> {
  readonly externalIn = new Inlet<I>('RetryFlow.externalIn');
  readonly internalOut = new Outlet<I>('RetryFlow.internalOut');
  readonly internalIn = new Inlet<O>('RetryFlow.internalIn');
  readonly externalOut = new Outlet<O>('RetryFlow.externalOut');
  readonly shape = new BidiShape(this.externalIn, this.internalOut, this.internalIn, this.externalOut);
  constructor(
    readonly backoff: RestartSettings,
    readonly maxRetries: number,
    readonly decideRetry: (input: I, result: O) => I | undefined,
  ) {
    super();
    requireNonNegativeInt('RetryFlow.withBackoff', 'maxRetries', maxRetries);
    requireFunction('RetryFlow.withBackoff', 'decideRetry', decideRetry);
  }
  override get defaultName(): string {
    return 'retryFlow';
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new RetryCoordinatorLogic(this, attributes.supervisionDecider);
  }
}

class RetryCoordinatorLogic<I, O> extends TimerGraphStageLogic {
  private inProgress: I | typeof None = None;
  private retryNo = 0;
  /** The timer fired (or the element arrived) before the flow pulled: push on its next pull. */
  private pushPending = false;

  constructor(
    private readonly stage: RetryCoordinator<I, O>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    const { externalIn, internalOut, internalIn, externalOut } = stage;
    this.setHandler(externalIn, {
      onPush: () => {
        const x = this.grab(externalIn);
        this.inProgress = x;
        this.retryNo = 0;
        this.pushInternal();
      },
      onUpstreamFinish: () => {
        if (this.inProgress === None) this.completeStage();
      },
    });
    this.setHandler(internalOut, {
      onPull: () => {
        if (this.pushPending) this.pushInternal();
        else this.pullExternalIfIdle();
      },
      onDownstreamFinish: (cause) => {
        // The flow needs no more input: let the element in progress come out first.
        if (this.inProgress === None || !(cause instanceof NonFailureCancellation)) this.cancelStage(cause);
      },
    });
    this.setHandler(internalIn, {
      onPush: () => this.onResult(this.grab(internalIn)),
    });
    this.setHandler(externalOut, {
      onPull: () => {
        if (!this.hasBeenPulled(internalIn) && !this.isClosed(internalIn)) this.pull(internalIn);
      },
    });
  }

  private pullExternalIfIdle(): void {
    const ext = this.stage.externalIn;
    if (this.inProgress === None && !this.hasBeenPulled(ext) && !this.isClosed(ext)) this.pull(ext);
  }

  private pushInternal(): void {
    const out = this.stage.internalOut;
    if (this.isAvailable(out)) {
      this.pushPending = false;
      this.push(out, this.inProgress as I);
    } else {
      this.pushPending = true;
    }
  }

  private onResult(result: O): void {
    const input = this.inProgress;
    if (input === None) {
      throw new Error(
        `${this.stageName}: the wrapped flow emitted an element nobody sent it; RetryFlow needs a flow that emits exactly one element per element`,
      );
    }
    if (this.retryNo >= this.stage.maxRetries) return this.emitResult(result);
    let retry: I | undefined;
    try {
      retry = this.stage.decideRetry(input, result);
    } catch (e) {
      if (decide(this.decider, e) === 'stop') return this.failStage(e);
      // resume/restart: the element is dropped; downstream still waits for one
      const internalIn = this.stage.internalIn;
      if (this.isAvailable(this.stage.externalOut) && !this.hasBeenPulled(internalIn)) this.pull(internalIn);
      return this.elementDone();
    }
    if (retry === undefined) this.emitResult(result);
    else this.planRetry(retry);
  }

  private emitResult(result: O): void {
    this.push(this.stage.externalOut, result);
    this.elementDone();
  }

  private elementDone(): void {
    this.inProgress = None;
    if (this.isClosed(this.stage.externalIn)) this.completeStage();
    else if (this.isAvailable(this.stage.internalOut)) this.pullExternalIfIdle();
  }

  private planRetry(next: I): void {
    const delay = this.stage.backoff.delayFor(this.retryNo);
    this.inProgress = next;
    this.retryNo++;
    const internalIn = this.stage.internalIn;
    if (!this.hasBeenPulled(internalIn)) this.pull(internalIn);
    this.scheduleOnce('retry', delay);
  }

  protected onTimer(): void {
    this.pushInternal();
  }
}
