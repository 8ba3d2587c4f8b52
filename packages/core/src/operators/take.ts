import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { FlowStage } from './FlowStage.js';
import { fuseFirst } from './fused.js';
import { FUSABLE, FUSE, type Fusable, type FusionHost, type FusionPart, statefulPart } from './fusion.js';
import { requireNonNegativeInt } from './validate.js';

/** `take(n)`: passes the first `n` elements, then completes and cancels upstream. `take(0)` completes at once. */
export class Take<T> extends FlowStage<T, T> implements Fusable, FusionHost {
  constructor(readonly n: number) {
    super('take');
    requireNonNegativeInt('take', 'n', n);
  }
  /** Fused: ends the chain after its `n`th element (`take(0)` is not fused: it completes at once). */
  get [FUSABLE](): FusionPart | null {
    const n = this.n;
    if (n === 0) return null;
    return statefulPart(
      this.defaultName,
      (ctx) => {
        let left = n;
        return (x) => {
          if (--left === 0) ctx.done = true;
          return x;
        };
      },
      { ends: true, bound: { kind: 'take', n } },
    );
  }
  [FUSE](next: Fusable) {
    return fuseFirst(this, next);
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
