import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { FlowStage } from './FlowStage.js';
import { requirePositiveInt } from './validate.js';

/**
 * `sliding(n, step)`: windows of `n` elements, each starting `step` elements after the previous one.
 * When the stream ends, a last shorter window is emitted only if it holds elements no window emitted yet.
 */
export class Sliding<T> extends FlowStage<T, T[]> {
  constructor(
    readonly n: number,
    readonly step: number,
  ) {
    super('sliding');
    requirePositiveInt('sliding', 'n', n);
    requirePositiveInt('sliding', 'step', step);
  }
  createLogic(): GraphStageLogic {
    return new SlidingLogic(this);
  }
}

class SlidingLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  private buf: T[] = [];
  /** Elements in buf not yet part of an emitted window. */
  private fresh = 0;
  /** Elements to skip between windows when step > n. */
  private skip = 0;
  constructor(private readonly stage: Sliding<T>) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  onPush(): void {
    const s = this.stage;
    const x = this.grab(s.in);
    if (this.skip > 0) {
      this.skip--;
      return this.pull(s.in);
    }
    this.buf.push(x);
    this.fresh++;
    if (this.buf.length < s.n) return this.pull(s.in);
    const window = this.buf;
    this.fresh = 0;
    if (s.step < s.n) {
      this.buf = window.slice(s.step);
    } else {
      this.buf = [];
      this.skip = s.step - s.n;
    }
    this.push(s.out, window);
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
  onUpstreamFinish(): void {
    if (this.fresh > 0) this.emit(this.stage.out, this.buf, () => this.completeStage());
    else this.completeStage();
  }
}
