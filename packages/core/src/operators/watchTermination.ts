import { AbruptTerminationException, NonFailureCancellation } from '../impl/GraphInterpreter.js';
import { GraphStageWithMaterializedValue } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { Inlet, Outlet } from '../stage/Ports.js';
import { FlowShape } from '../stage/Shape.js';
import { type Deferred, deferred } from './SinkStage.js';

/**
 * `watchTermination()`: passes everything through and materializes a promise that resolves when the
 * stream ends here without failure (upstream completed, or downstream cancelled because it needed no
 * more) and rejects with the error when upstream failed or downstream cancelled with a failure. If the
 * stage is stopped from outside (materializer shutdown) it rejects with `AbruptTerminationException`.
 */
export class WatchTermination<T> extends GraphStageWithMaterializedValue<FlowShape<T, T>, Promise<void>> {
  readonly in = new Inlet<T>('WatchTermination.in');
  readonly out = new Outlet<T>('WatchTermination.out');
  readonly shape = new FlowShape(this.in, this.out);
  override get defaultName(): string {
    return 'watchTermination';
  }
  createLogicAndMaterializedValue(): [GraphStageLogic, Promise<void>] {
    const d = deferred<void>();
    // The promise is often dropped by Keep.left; a failure must not become an unhandled rejection.
    d.promise.catch(() => {});
    return [new WatchTerminationLogic(this, d), d.promise];
  }
}

class WatchTerminationLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  private settled = false;
  constructor(
    private readonly stage: WatchTermination<T>,
    private readonly done: Deferred<void>,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  onPush(): void {
    this.push(this.stage.out, this.grab(this.stage.in));
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
  onUpstreamFinish(): void {
    this.settle(undefined);
    this.completeStage();
  }
  onUpstreamFailure(error: unknown): void {
    this.settle(error, true);
    this.failStage(error);
  }
  onDownstreamFinish(cause: unknown): void {
    if (cause instanceof NonFailureCancellation) this.settle(undefined);
    else this.settle(cause, true);
    this.cancelStage(cause);
  }
  private settle(error: unknown, failed = false): void {
    if (this.settled) return;
    this.settled = true;
    if (failed) this.done.reject(error);
    else this.done.resolve();
  }
  override postStop(): void {
    this.settle(new AbruptTerminationException(`${this.stageName}: the stream was stopped before it terminated`), true);
  }
}
