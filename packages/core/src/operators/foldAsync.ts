import type { Attributes, Decider } from '../stage/Attributes.js';
import type { GraphStageLogic } from '../stage/GraphStageLogic.js';
import { AsyncAccumulatorLogic } from './asyncAccumulatorInternals.js';
import { FlowStage } from './FlowStage.js';
import { requireFunction } from './validate.js';

/**
 * `foldAsync(zero, f)`: folds with an async `f` (one call in flight at a time) and emits the result when
 * upstream completes. Supervision on a rejection or throw: `resume` keeps the accumulator, `restart` resets
 * it to `zero`; the element is dropped either way.
 */
export class FoldAsync<I, S> extends FlowStage<I, S> {
  constructor(
    readonly zero: S,
    readonly f: (acc: S, x: I) => S | PromiseLike<S>,
  ) {
    super('foldAsync');
    requireFunction('foldAsync', 'f', f);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new FoldAsyncLogic(this, attributes.supervisionDecider);
  }
}

class FoldAsyncLogic<I, S> extends AsyncAccumulatorLogic<I, S> {
  constructor(stage: FoldAsync<I, S>, decider: Decider) {
    super(stage, decider);
  }

  onPull(): void {
    const inlet = this.stage.in;
    if (this.idle && !this.isClosed(inlet) && !this.hasBeenPulled(inlet)) this.pull(inlet);
  }

  onUpstreamFinish(): void {
    if (this.idle) this.emit(this.stage.out, this.acc, () => this.completeStage());
  }

  protected accumulated(): void {
    this.next();
  }

  protected dropped(): void {
    this.next();
  }

  /** After each element: emit the result if upstream is done, else keep folding while downstream waits. */
  private next(): void {
    const s = this.stage;
    if (this.isClosed(s.in)) this.emit(s.out, this.acc, () => this.completeStage());
    else if (this.isAvailable(s.out) && !this.hasBeenPulled(s.in)) this.pull(s.in);
  }
}
