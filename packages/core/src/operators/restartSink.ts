import { NonFailureCancellation } from '../impl/GraphInterpreter.js';
import { linear } from '../impl/Module.js';
import { type Graph, GraphStageWithMaterializedValue } from '../stage/GraphStage.js';
import type { GraphStageLogic, InHandler } from '../stage/GraphStageLogic.js';
import { Inlet } from '../stage/Ports.js';
import { SinkShape } from '../stage/Shape.js';
import { materializeIntoParent, SubSourceOutlet } from '../stage/SubSourceOutlet.js';
import { type RestartHandle, RestartHandleImpl, RestartWithBackoffLogic, requireSettings } from './restartInternals.js';
import type { RestartSettings } from './restartSettings.js';
import { requireFunction } from './validate.js';

const keepRight = (_l: unknown, r: unknown): unknown => r;

/**
 * `RestartSink.withBackoff`: feeds the sink `factory()` returns; when it cancels or fails, starts a new
 * one after a backoff. The element that was on its way when the inner sink stopped is kept for the next
 * one; upstream is pulled only when the inner sink pulls.
 */
export class RestartSink<T, M> extends GraphStageWithMaterializedValue<SinkShape<T>, RestartHandle<M>> {
  readonly in = new Inlet<T>('RestartSink.in');
  readonly shape = new SinkShape(this.in);
  constructor(
    readonly settings: RestartSettings,
    readonly factory: () => Graph<SinkShape<T>, M>,
  ) {
    super();
    requireSettings('RestartSink.withBackoff', settings);
    requireFunction('RestartSink.withBackoff', 'factory', factory);
  }
  override get defaultName(): string {
    return 'restartSink';
  }
  createLogicAndMaterializedValue(): [GraphStageLogic, RestartHandle<M>] {
    let logic: RestartSinkLogic<T, M> | null = null;
    const handle = new RestartHandleImpl<M>(
      () => logic?.stageName ?? this.defaultName,
      (msg, e) => logic?._materializer?.logger?.(msg, e),
    );
    logic = new RestartSinkLogic(this, handle);
    return [logic, handle];
  }
}

class RestartSinkLogic<T, M> extends RestartWithBackoffLogic<M> implements InHandler {
  private subOut: SubSourceOutlet<T> | null = null;
  constructor(
    private readonly stage: RestartSink<T, M>,
    handle: RestartHandleImpl<M>,
  ) {
    super(stage.shape, stage.settings, false, handle);
    this.setHandler(stage.in, this);
  }

  protected startGraph(): M {
    const inlet = this.stage.in;
    const so = new SubSourceOutlet<T>(this, 'RestartSink.out');
    this.subOut = so;
    so.setHandler({
      onPull: () => {
        if (this.subOut !== so) return;
        if (this.isAvailable(inlet)) {
          so.push(this.grab(inlet));
          if (this.finishing) this.finish();
        } else if (this.finishing) {
          this.finish();
        } else if (!this.hasBeenPulled(inlet)) {
          this.pull(inlet);
        }
      },
      onDownstreamFinish: (cause) => {
        if (this.subOut !== so) return;
        const failed = !(cause instanceof NonFailureCancellation);
        if (this.finishing || this.maxRestartsReached() || (failed && !this.restartsOn(cause))) this.cancelStage(cause);
        else this.scheduleRestart(failed ? { error: cause } : undefined);
      },
    });
    const module = linear(so.source.module, this.stage.factory().module, keepRight);
    return materializeIntoParent(this, module) as M;
  }

  protected backoff(): void {
    this.subOut = null;
  }

  onPush(): void {
    const so = this.subOut;
    if (so !== null && so.isAvailable()) so.push(this.grab(this.stage.in));
    // otherwise the element waits in the port for the inner sink's next pull (possibly after a restart)
  }

  onUpstreamFinish(): void {
    this.finishing = true;
    // An element still waiting for the inner sink is delivered first.
    if (this.isAvailable(this.stage.in)) this.setKeepGoing(true);
    else this.finish();
  }

  onUpstreamFailure(error: unknown): void {
    this.finishing = true;
    this.subOut?.fail(error);
    this.failStage(error);
  }

  private finish(): void {
    this.subOut?.complete();
    this.completeStage();
  }
}
