import type { InHandler, OutHandler } from '../stage/GraphStageLogic.js';
import { TimerGraphStageLogic } from '../stage/TimerGraphStageLogic.js';
import { IdleTimeoutError } from '../TimeoutError.js';
import { requireDuration } from './durations.js';
import { FlowStage } from './FlowStage.js';

/**
 * `idleTimeout(ms)`: fails with `IdleTimeoutError` when no element has passed for `ms` (counted from the
 * start, then from each element).
 */
export class IdleTimeout<T> extends FlowStage<T, T> {
  constructor(readonly timeoutMs: number) {
    super('idleTimeout');
    requireDuration('idleTimeout', 'ms', timeoutMs);
  }
  createLogic(): TimerGraphStageLogic {
    return new IdleTimeoutLogic(this);
  }
}

/**
 * An element only moves the deadline (no timer work per element); the one timer, when it fires early,
 * re-arms itself for the remaining time. So the timeout is exact, and a busy stream costs one timer per
 * `ms`, not one per element.
 */
class IdleTimeoutLogic<T> extends TimerGraphStageLogic implements InHandler, OutHandler {
  private deadline = 0;
  constructor(private readonly stage: IdleTimeout<T>) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  override preStart(): void {
    this.deadline = this.materializer.scheduler.now() + this.stage.timeoutMs;
    this.scheduleOnce('idleTimeout', this.stage.timeoutMs);
  }
  onPush(): void {
    this.deadline = this.materializer.scheduler.now() + this.stage.timeoutMs;
    this.push(this.stage.out, this.grab(this.stage.in));
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
  protected onTimer(): void {
    const wait = this.deadline - this.materializer.scheduler.now();
    if (wait <= 0) this.failStage(new IdleTimeoutError(this.stage.timeoutMs, this.stageName));
    else this.scheduleOnce('idleTimeout', wait);
  }
}
