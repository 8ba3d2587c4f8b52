import { NonFailureCancellation } from '../impl/GraphInterpreter.js';
import { linear } from '../impl/Module.js';
import { type Graph, GraphStageWithMaterializedValue } from '../stage/GraphStage.js';
import type { GraphStageLogic, InHandler, OutHandler } from '../stage/GraphStageLogic.js';
import { Inlet, Outlet } from '../stage/Ports.js';
import { FlowShape } from '../stage/Shape.js';
import { SubSinkInlet } from '../stage/SubSinkInlet.js';
import { materializeIntoParent, SubSourceOutlet } from '../stage/SubSourceOutlet.js';
import { type RestartHandle, RestartHandleImpl, RestartWithBackoffLogic, requireSettings } from './restartInternals.js';
import type { RestartSettings } from './restartSettings.js';
import { requireFunction } from './validate.js';

const keepRight = (_l: unknown, r: unknown): unknown => r;
const keepLeft = null;

/**
 * `RestartFlow.withBackoff` / `onFailuresWithBackoff`: runs elements through the flow `factory()`
 * returns; when that flow completes (withBackoff only), cancels (withBackoff only) or fails, a new one
 * is started after a backoff. Elements that were inside the failed flow are lost (at-most-once); the
 * element that was waiting to enter it goes to the next one.
 *
 * The first terminal signal of an inner flow decides; its other end is then closed and anything else it
 * reports is ignored.
 */
export class RestartFlow<I, O, M> extends GraphStageWithMaterializedValue<FlowShape<I, O>, RestartHandle<M>> {
  readonly in = new Inlet<I>('RestartFlow.in');
  readonly out = new Outlet<O>('RestartFlow.out');
  readonly shape = new FlowShape(this.in, this.out);
  constructor(
    readonly settings: RestartSettings,
    readonly factory: () => Graph<FlowShape<I, O>, M>,
    readonly onlyOnFailures: boolean,
  ) {
    super();
    const op = onlyOnFailures ? 'RestartFlow.onFailuresWithBackoff' : 'RestartFlow.withBackoff';
    requireSettings(op, settings);
    requireFunction(op, 'factory', factory);
  }
  override get defaultName(): string {
    return this.onlyOnFailures ? 'restartFlowOnFailures' : 'restartFlow';
  }
  createLogicAndMaterializedValue(): [GraphStageLogic, RestartHandle<M>] {
    let logic: RestartFlowLogic<I, O, M> | null = null;
    const handle = new RestartHandleImpl<M>(
      () => logic?.stageName ?? this.defaultName,
      (msg, e) => logic?._materializer?.logger?.(msg, e),
    );
    logic = new RestartFlowLogic(this, handle);
    return [logic, handle];
  }
}

interface Inner<I, O> {
  readonly sourceOut: SubSourceOutlet<I>;
  readonly sinkIn: SubSinkInlet<O>;
}

class RestartFlowLogic<I, O, M> extends RestartWithBackoffLogic<M> implements InHandler, OutHandler {
  private inner: Inner<I, O> | null = null;
  constructor(
    private readonly stage: RestartFlow<I, O, M>,
    handle: RestartHandleImpl<M>,
  ) {
    super(stage.shape, stage.settings, stage.onlyOnFailures, handle);
    this.setHandlers(stage.in, stage.out, this);
  }

  protected startGraph(): M {
    const { in: inlet, out } = this.stage;
    const sourceOut = new SubSourceOutlet<I>(this, 'RestartFlow.subOut');
    const sinkIn = new SubSinkInlet<O>(this, 'RestartFlow.subIn');
    const inner: Inner<I, O> = { sourceOut, sinkIn };
    this.inner = inner;
    const current = (): boolean => this.inner === inner;

    sourceOut.setHandler({
      onPull: () => {
        if (!current()) return;
        if (this.isAvailable(inlet)) {
          sourceOut.push(this.grab(inlet));
          if (this.isClosed(inlet)) sourceOut.complete();
        } else if (this.isClosed(inlet)) {
          sourceOut.complete();
        } else if (!this.hasBeenPulled(inlet)) {
          this.pull(inlet);
        }
      },
      onDownstreamFinish: (cause) => {
        if (!current()) return;
        if (cause instanceof NonFailureCancellation) {
          // The inner flow needs no more input.
          if (this.finishing || this.onlyOnFailures) {
            if (!this.isClosed(inlet)) this.cancel(inlet, cause);
            // its output may still be running: wait for it to complete
          } else {
            this.innerEnded(undefined);
          }
        } else {
          this.innerEnded({ error: cause });
        }
      },
    });
    sinkIn.setHandler({
      onPush: () => {
        if (current()) this.push(out, sinkIn.grab());
      },
      onUpstreamFinish: () => {
        if (!current()) return;
        if (this.finishing || this.onlyOnFailures) this.completeStage();
        else this.innerEnded(undefined);
      },
      onUpstreamFailure: (error) => {
        if (!current()) return;
        this.innerEnded({ error });
      },
    });

    const withFlow = linear(sourceOut.source.module, this.stage.factory().module, keepRight);
    const m = materializeIntoParent(this, linear(withFlow, sinkIn.sink.module, keepLeft)) as M;
    if (this.isAvailable(out)) sinkIn.pull();
    return m;
  }

  /** The inner flow ended (completed/cancelled: `failure` undefined): restart, or end the outer stage. */
  private innerEnded(failure: { error: unknown } | undefined): void {
    if (failure === undefined) {
      if (this.finishing || this.maxRestartsReached()) this.completeStage();
      else this.scheduleRestart();
      return;
    }
    if (this.finishing || this.maxRestartsReached() || !this.restartsOn(failure.error)) this.failStage(failure.error);
    else this.scheduleRestart(failure);
  }

  protected backoff(): void {
    const inner = this.inner;
    this.inner = null;
    if (inner === null) return;
    if (!inner.sourceOut.isClosed()) inner.sourceOut.complete();
    inner.sinkIn.cancel();
  }

  onPush(): void {
    const so = this.inner?.sourceOut;
    if (so !== undefined && so.isAvailable()) so.push(this.grab(this.stage.in));
  }
  onUpstreamFinish(): void {
    this.finishing = true;
    // An element still waiting for the inner flow goes in first (after the restart, if backing off);
    // the inner flow is completed once it pulled for it.
    if (this.isAvailable(this.stage.in)) return;
    const inner = this.inner;
    if (inner === null) this.completeStage();
    else inner.sourceOut.complete();
  }
  onUpstreamFailure(error: unknown): void {
    this.finishing = true;
    const inner = this.inner;
    if (inner === null) return this.failStage(error);
    inner.sourceOut.fail(error);
  }
  onPull(): void {
    const inner = this.inner;
    if (inner !== null && !inner.sinkIn.hasBeenPulled() && !inner.sinkIn.isClosed()) inner.sinkIn.pull();
  }
  onDownstreamFinish(cause: unknown): void {
    this.finishing = true;
    const inner = this.inner;
    if (inner === null) return this.cancelStage(cause);
    inner.sinkIn.cancel(cause);
    if (!inner.sourceOut.isClosed()) inner.sourceOut.complete();
    this.cancelStage(cause);
  }

  override postStop(): void {
    this.inner?.sinkIn.cancel();
    super.postStop();
  }
}
