import type { Graph } from '../stage/GraphStage.js';
import type { GraphStageLogic, OutHandler } from '../stage/GraphStageLogic.js';
import type { SourceShape } from '../stage/Shape.js';
import { materializeSubStream, SubSinkInlet } from '../stage/SubSinkInlet.js';
import { type RestartHandle, RestartHandleImpl, RestartWithBackoffLogic, requireSettings } from './restartInternals.js';
import type { RestartSettings } from './restartSettings.js';
import { SourceStageWithMat } from './SourceStage.js';
import { requireFunction } from './validate.js';

/**
 * `RestartSource.withBackoff` / `onFailuresWithBackoff`: runs the source `factory()` returns; when it
 * completes (withBackoff only) or fails, starts a new one after a backoff. Elements pass through on
 * demand; nothing is pulled from an inner source that downstream did not ask for.
 */
export class RestartSource<T, M> extends SourceStageWithMat<T, RestartHandle<M>> {
  constructor(
    readonly settings: RestartSettings,
    readonly factory: () => Graph<SourceShape<T>, M>,
    readonly onlyOnFailures: boolean,
  ) {
    const op = onlyOnFailures ? 'RestartSource.onFailuresWithBackoff' : 'RestartSource.withBackoff';
    super(onlyOnFailures ? 'restartSourceOnFailures' : 'restartSource');
    requireSettings(op, settings);
    requireFunction(op, 'factory', factory);
  }
  createLogicAndMaterializedValue(): [GraphStageLogic, RestartHandle<M>] {
    let logic: RestartSourceLogic<T, M> | null = null;
    const handle = new RestartHandleImpl<M>(
      () => logic?.stageName ?? this.defaultName,
      (msg, e) => logic?._materializer?.logger?.(msg, e),
    );
    logic = new RestartSourceLogic(this, handle);
    return [logic, handle];
  }
}

class RestartSourceLogic<T, M> extends RestartWithBackoffLogic<M> implements OutHandler {
  private sub: SubSinkInlet<T> | null = null;
  constructor(
    private readonly stage: RestartSource<T, M>,
    handle: RestartHandleImpl<M>,
  ) {
    super(stage.shape, stage.settings, stage.onlyOnFailures, handle);
    this.setHandler(stage.out, this);
  }

  protected startGraph(): M {
    const out = this.stage.out;
    const sub = new SubSinkInlet<T>(this, 'RestartSource.in');
    this.sub = sub;
    sub.setHandler({
      onPush: () => this.push(out, sub.grab()),
      onUpstreamFinish: () => {
        if (this.sub !== sub) return;
        if (this.finishing || this.onlyOnFailures || this.maxRestartsReached()) this.completeStage();
        else this.scheduleRestart();
      },
      onUpstreamFailure: (error) => {
        if (this.sub !== sub) return;
        if (this.finishing || this.maxRestartsReached() || !this.restartsOn(error)) this.failStage(error);
        else this.scheduleRestart({ error });
      },
    });
    const m = materializeSubStream(this, this.stage.factory(), sub);
    if (this.isAvailable(out)) sub.pull();
    return m;
  }

  protected backoff(): void {
    this.sub = null;
  }

  onPull(): void {
    this.sub?.pull();
  }

  onDownstreamFinish(cause: unknown): void {
    this.finishing = true;
    this.sub?.cancel(cause);
    this.cancelStage(cause);
  }

  override postStop(): void {
    this.sub?.cancel();
    super.postStop();
  }
}
