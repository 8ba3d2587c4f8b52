import type { InHandler, OutHandler } from '../stage/GraphStageLogic.js';
import { TimerGraphStageLogic } from '../stage/TimerGraphStageLogic.js';
import { requireDuration } from './durations.js';
import { FlowStage } from './FlowStage.js';

/** `takeWithin(ms)`: passes elements through until `ms` have passed since the stream started, then completes. */
export class TakeWithin<T> extends FlowStage<T, T> {
  constructor(readonly durationMs: number) {
    super('takeWithin');
    requireDuration('takeWithin', 'ms', durationMs, true);
  }
  createLogic(): TimerGraphStageLogic {
    return new TakeWithinLogic(this);
  }
}

class TakeWithinLogic<T> extends TimerGraphStageLogic implements InHandler, OutHandler {
  constructor(private readonly stage: TakeWithin<T>) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  override preStart(): void {
    this.scheduleOnce('takeWithin', this.stage.durationMs);
  }
  onPush(): void {
    this.push(this.stage.out, this.grab(this.stage.in));
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
  protected onTimer(): void {
    this.completeStage();
  }
}
