import type { InHandler, OutHandler } from '../stage/GraphStageLogic.js';
import { TimerGraphStageLogic } from '../stage/TimerGraphStageLogic.js';
import { requireDuration } from './durations.js';
import { FlowStage } from './FlowStage.js';

/** `initialDelay(ms)`: asks upstream for nothing until `ms` have passed, then passes every element through. */
export class InitialDelay<T> extends FlowStage<T, T> {
  constructor(readonly delayMs: number) {
    super('initialDelay');
    requireDuration('initialDelay', 'ms', delayMs, true);
  }
  createLogic(): TimerGraphStageLogic {
    return new InitialDelayLogic(this);
  }
}

class InitialDelayLogic<T> extends TimerGraphStageLogic implements InHandler, OutHandler {
  private open = false;
  constructor(private readonly stage: InitialDelay<T>) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  override preStart(): void {
    if (this.stage.delayMs === 0) this.open = true;
    else this.scheduleOnce('initialDelay', this.stage.delayMs);
  }
  onPush(): void {
    this.push(this.stage.out, this.grab(this.stage.in));
  }
  onPull(): void {
    if (this.open) this.pull(this.stage.in);
  }
  protected onTimer(): void {
    this.open = true;
    if (this.isAvailable(this.stage.out)) this.pull(this.stage.in);
  }
}
