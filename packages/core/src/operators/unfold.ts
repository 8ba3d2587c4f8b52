import { GraphStageLogic, type OutHandler } from '../stage/GraphStageLogic.js';
import { SourceStage } from './SourceStage.js';
import { requireFunction } from './validate.js';

/** `Source.unfold(seed, f)`: `f(state)` returns `[nextState, element]` to emit, or `undefined` to complete. */
export class UnfoldSource<S, T> extends SourceStage<T> {
  constructor(
    readonly seed: S,
    readonly f: (state: S) => readonly [S, T] | undefined,
  ) {
    super('unfold');
    requireFunction('Source.unfold', 'f', f);
  }
  createLogic(): GraphStageLogic {
    return new UnfoldLogic(this);
  }
}

class UnfoldLogic<S, T> extends GraphStageLogic implements OutHandler {
  private state: S;
  constructor(private readonly stage: UnfoldSource<S, T>) {
    super(stage.shape);
    this.state = stage.seed;
    this.setHandler(stage.out, this);
  }
  onPull(): void {
    const r = this.stage.f(this.state);
    if (r === undefined) {
      this.completeStage();
    } else {
      this.state = r[0];
      this.push(this.stage.out, r[1]);
    }
  }
}
