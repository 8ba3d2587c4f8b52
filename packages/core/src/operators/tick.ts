import type { Cancellable } from '../Scheduler.js';
import type { AsyncCallback, OutHandler } from '../stage/GraphStageLogic.js';
import { TimerGraphStageLogic } from '../stage/TimerGraphStageLogic.js';
import { requireDuration } from './durations.js';
import { SourceStageWithMat } from './SourceStage.js';

/** What `Source.tick` materializes: cancelling it completes the stream. */
export interface TickCancellable extends Cancellable {
  readonly isCancelled: boolean;
}

/**
 * `Source.tick(initialDelayMs, intervalMs, tick)`: emits `tick` after `initialDelayMs`, then every
 * `intervalMs`. A tick that falls due while downstream is not asking for an element is skipped (ticks are
 * never queued). Materializes a `Cancellable` that completes the stream.
 */
export class TickSource<T> extends SourceStageWithMat<T, TickCancellable> {
  constructor(
    readonly initialDelayMs: number,
    readonly intervalMs: number,
    readonly tick: T,
  ) {
    super('tick');
    requireDuration('Source.tick', 'initialDelayMs', initialDelayMs, true);
    requireDuration('Source.tick', 'intervalMs', intervalMs);
  }
  createLogicAndMaterializedValue(): [TimerGraphStageLogic, TickCancellable] {
    const logic = new TickLogic(this);
    return [logic, logic.control];
  }
}

class TickLogic<T> extends TimerGraphStageLogic implements OutHandler {
  private cancelled = false;
  private readonly onCancel: AsyncCallback<undefined>;
  readonly control: TickCancellable;

  constructor(private readonly stage: TickSource<T>) {
    super(stage.shape);
    this.setHandler(stage.out, this);
    this.onCancel = this.getAsyncCallback(() => this.completeStage());
    const logic = this;
    this.control = {
      cancel(): boolean {
        if (logic.cancelled) return false;
        logic.cancelled = true;
        logic.onCancel.invoke(undefined);
        return true;
      },
      get isCancelled(): boolean {
        return logic.cancelled;
      },
    };
  }

  override preStart(): void {
    if (this.cancelled) this.completeStage();
    else this.scheduleWithFixedDelay('tick', this.stage.initialDelayMs, this.stage.intervalMs);
  }

  onPull(): void {
    // ticks are emitted by the timer
  }

  protected onTimer(): void {
    if (!this.cancelled && this.isAvailable(this.stage.out)) this.push(this.stage.out, this.stage.tick);
  }
}
