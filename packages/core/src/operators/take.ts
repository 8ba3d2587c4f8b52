import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { FlowStage } from './FlowStage.js';
import { requireNonNegativeInt } from './validate.js';

/** `take(n)`: passes the first `n` elements, then completes and cancels upstream. `take(0)` completes at once. */
export class Take<T> extends FlowStage<T, T> {
  constructor(readonly n: number) {
    super('take');
    requireNonNegativeInt('take', 'n', n);
  }
  createLogic(): GraphStageLogic {
    return new TakeLogic(this);
  }
}

class TakeLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  private left: number;
  constructor(private readonly stage: Take<T>) {
    super(stage.shape);
    this.left = stage.n;
    this.setHandlers(stage.in, stage.out, this);
  }
  override preStart(): void {
    if (this.left === 0) this.completeStage();
  }
  onPush(): void {
    const s = this.stage;
    this.left--;
    this.push(s.out, this.grab(s.in));
    if (this.left === 0) this.completeStage();
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
}
