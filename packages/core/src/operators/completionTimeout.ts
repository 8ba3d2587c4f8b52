import type { InHandler, OutHandler } from '../stage/GraphStageLogic.js';
import { TimerGraphStageLogic } from '../stage/TimerGraphStageLogic.js';
import { CompletionTimeoutError } from '../TimeoutError.js';
import { requireDuration } from './durations.js';
import { FlowStage } from './FlowStage.js';

/** `completionTimeout(ms)`: fails with `CompletionTimeoutError` if the stream has not completed within `ms`. */
export class CompletionTimeout<T> extends FlowStage<T, T> {
  constructor(readonly timeoutMs: number) {
    super('completionTimeout');
    requireDuration('completionTimeout', 'ms', timeoutMs);
  }
  createLogic(): TimerGraphStageLogic {
    return new CompletionTimeoutLogic(this);
  }
}

class CompletionTimeoutLogic<T> extends TimerGraphStageLogic implements InHandler, OutHandler {
  constructor(private readonly stage: CompletionTimeout<T>) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  override preStart(): void {
    this.scheduleOnce('completionTimeout', this.stage.timeoutMs);
  }
  onPush(): void {
    this.push(this.stage.out, this.grab(this.stage.in));
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
  protected onTimer(): void {
    this.failStage(new CompletionTimeoutError(this.stage.timeoutMs, this.stageName));
  }
}
