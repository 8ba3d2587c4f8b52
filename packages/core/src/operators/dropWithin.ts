import type { InHandler, OutHandler } from '../stage/GraphStageLogic.js';
import { GraphStageLogic } from '../stage/GraphStageLogic.js';
import { requireDuration } from './durations.js';
import { FlowStage } from './FlowStage.js';

/**
 * `dropWithin(ms)`: drops the elements that arrive within `ms` of the stream's start (on the
 * materializer's scheduler clock), then passes everything through.
 */
export class DropWithin<T> extends FlowStage<T, T> {
  constructor(readonly durationMs: number) {
    super('dropWithin');
    requireDuration('dropWithin', 'ms', durationMs, true);
  }
  createLogic(): GraphStageLogic {
    return new DropWithinLogic(this);
  }
}

class DropWithinLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  private deadline = 0;
  private dropping = true;
  constructor(private readonly stage: DropWithin<T>) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  override preStart(): void {
    this.deadline = this.materializer.scheduler.now() + this.stage.durationMs;
  }
  onPush(): void {
    const s = this.stage;
    // Once past the deadline, the clock is not read again.
    if (this.dropping && this.materializer.scheduler.now() <= this.deadline) {
      this.grab(s.in);
      this.pull(s.in);
      return;
    }
    this.dropping = false;
    this.push(s.out, this.grab(s.in));
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
}
