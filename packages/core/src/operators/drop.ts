import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { FlowStage } from './FlowStage.js';
import { fuseFirst } from './fused.js';
import { FUSABLE, FUSE, type Fusable, type FusionHost, type FusionPart, SKIP, statefulPart } from './fusion.js';
import { requireNonNegativeInt } from './validate.js';

/** `drop(n)`: discards the first `n` elements, then passes the rest. */
export class Drop<T> extends FlowStage<T, T> implements Fusable, FusionHost {
  constructor(readonly n: number) {
    super('drop');
    requireNonNegativeInt('drop', 'n', n);
  }
  get [FUSABLE](): FusionPart {
    const n = this.n;
    return statefulPart(
      this.defaultName,
      () => {
        let left = n;
        return (x) => {
          if (left > 0) {
            left--;
            return SKIP;
          }
          return x;
        };
      },
      { bound: { kind: 'drop', n } },
    );
  }
  [FUSE](next: Fusable) {
    return fuseFirst(this, next);
  }
  createLogic(): GraphStageLogic {
    return new DropLogic(this);
  }
}

class DropLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  private left: number;
  constructor(private readonly stage: Drop<T>) {
    super(stage.shape);
    this.left = stage.n;
    this.setHandlers(stage.in, stage.out, this);
  }
  onPush(): void {
    const s = this.stage;
    const x = this.grab(s.in);
    if (this.left > 0) {
      this.left--;
      this.pull(s.in);
    } else {
      this.push(s.out, x);
    }
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
}
