import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { FlowStage } from './FlowStage.js';
import { fuseFirst } from './fused.js';
import { FUSABLE, FUSE, type Fusable, type FusionHost, type FusionPart, SKIP, statefulPart } from './fusion.js';
import { requirePositiveInt } from './validate.js';

/**
 * `sliding(n, step)`: windows of `n` elements, each starting `step` elements after the previous one.
 * When the stream ends, a last shorter window is emitted only if it holds elements no window emitted yet.
 */
export class Sliding<T> extends FlowStage<T, T[]> implements Fusable, FusionHost {
  constructor(
    readonly n: number,
    readonly step: number,
  ) {
    super('sliding');
    requirePositiveInt('sliding', 'n', n);
    requirePositiveInt('sliding', 'step', step);
  }
  /** Fused: the window lives in the function made per materialization; completion emits a fresh partial one. */
  get [FUSABLE](): FusionPart {
    const { n, step } = this;
    return statefulPart(
      this.defaultName,
      (ctx) => {
        let buf: unknown[] = [];
        let fresh = 0;
        let skip = 0;
        let ended = false;
        ctx.onEnd({
          start() {},
          end(kind) {
            if (ended) return SKIP;
            ended = true;
            return kind === 'complete' && fresh > 0 ? buf : SKIP;
          },
        });
        return (x) => {
          if (skip > 0) {
            skip--;
            return SKIP;
          }
          buf.push(x);
          fresh++;
          if (buf.length < n) return SKIP;
          const window = buf;
          fresh = 0;
          if (step < n) {
            buf = window.slice(step);
          } else {
            buf = [];
            skip = step - n;
          }
          return window;
        };
      },
      { hasEnd: true },
    );
  }
  [FUSE](next: Fusable) {
    return fuseFirst(this, next);
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
