import type { InHandler, OutHandler } from '../stage/GraphStageLogic.js';
import { TimerGraphStageLogic } from '../stage/TimerGraphStageLogic.js';
import { BackpressureTimeoutError } from '../TimeoutError.js';
import { requireDuration } from './durations.js';
import { FlowStage } from './FlowStage.js';

/**
 * `backpressureTimeout(ms)`: fails with `BackpressureTimeoutError` when downstream has not asked for an
 * element for `ms` after the previous one was emitted (or after the start).
 */
export class BackpressureTimeout<T> extends FlowStage<T, T> {
  constructor(readonly timeoutMs: number) {
    super('backpressureTimeout');
    requireDuration('backpressureTimeout', 'ms', timeoutMs);
  }
  createLogic(): TimerGraphStageLogic {
    return new BackpressureTimeoutLogic(this);
  }
}

/** As in idleTimeout, elements move the deadline and the single timer re-arms itself while it matters. */
class BackpressureTimeoutLogic<T> extends TimerGraphStageLogic implements InHandler, OutHandler {
  private deadline = 0;
  private waitingForDemand = true;
  private armed = false;
  constructor(private readonly stage: BackpressureTimeout<T>) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  private arm(ms: number): void {
    this.armed = true;
    this.scheduleOnce('backpressureTimeout', ms);
  }
  override preStart(): void {
    this.deadline = this.materializer.scheduler.now() + this.stage.timeoutMs;
    this.arm(this.stage.timeoutMs);
  }
  onPush(): void {
    const t = this.stage.timeoutMs;
    this.push(this.stage.out, this.grab(this.stage.in));
    this.deadline = this.materializer.scheduler.now() + t;
    this.waitingForDemand = true;
    if (!this.armed) this.arm(t);
  }
  onPull(): void {
    this.waitingForDemand = false;
    this.pull(this.stage.in);
  }
  protected onTimer(): void {
    this.armed = false;
    if (!this.waitingForDemand) return; // re-armed by the next element
    const wait = this.deadline - this.materializer.scheduler.now();
    if (wait <= 0) this.failStage(new BackpressureTimeoutError(this.stage.timeoutMs, this.stageName));
    else this.arm(wait);
  }
}
