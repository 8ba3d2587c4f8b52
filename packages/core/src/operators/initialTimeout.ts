import type { InHandler, OutHandler } from '../stage/GraphStageLogic.js';
import { TimerGraphStageLogic } from '../stage/TimerGraphStageLogic.js';
import { InitialTimeoutError } from '../TimeoutError.js';
import { requireDuration } from './durations.js';
import { FlowStage } from './FlowStage.js';

/** `initialTimeout(ms)`: fails with `InitialTimeoutError` if the first element has not passed within `ms`. */
export class InitialTimeout<T> extends FlowStage<T, T> {
  constructor(readonly timeoutMs: number) {
    super('initialTimeout');
    requireDuration('initialTimeout', 'ms', timeoutMs);
  }
  createLogic(): TimerGraphStageLogic {
    return new InitialTimeoutLogic(this);
  }
}

class InitialTimeoutLogic<T> extends TimerGraphStageLogic implements InHandler, OutHandler {
  private passed = false;
  constructor(private readonly stage: InitialTimeout<T>) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  override preStart(): void {
    this.scheduleOnce('initialTimeout', this.stage.timeoutMs);
  }
  onPush(): void {
    if (!this.passed) {
      this.passed = true;
      this.cancelTimer('initialTimeout');
    }
    this.push(this.stage.out, this.grab(this.stage.in));
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
  protected onTimer(): void {
    if (!this.passed) this.failStage(new InitialTimeoutError(this.stage.timeoutMs, this.stageName));
  }
}
