import type { Attributes, Decider } from '../stage/Attributes.js';
import type { GraphStageLogic } from '../stage/GraphStageLogic.js';
import { AsyncAccumulatorLogic } from './asyncAccumulatorInternals.js';
import { FlowStage } from './FlowStage.js';
import { requireFunction } from './validate.js';

/**
 * `scanAsync(zero, f)`: emits `zero`, then each accumulation `f(acc, x)` resolves to; one call in flight
 * at a time. Supervision on a rejection or throw: `resume` keeps the accumulator, `restart` resets it to
 * `zero`; the element is dropped either way.
 */
export class ScanAsync<I, S> extends FlowStage<I, S> {
  constructor(
    readonly zero: S,
    readonly f: (acc: S, x: I) => S | PromiseLike<S>,
  ) {
    super('scanAsync');
    requireFunction('scanAsync', 'f', f);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new ScanAsyncLogic(this, attributes.supervisionDecider);
  }
}

class ScanAsyncLogic<I, S> extends AsyncAccumulatorLogic<I, S> {
  private zeroSent = false;

  constructor(stage: ScanAsync<I, S>, decider: Decider) {
    super(stage, decider);
  }

  onPull(): void {
    if (!this.zeroSent) {
      this.zeroSent = true;
      this.push(this.stage.out, this.acc);
    } else if (this.idle) {
      this.pullOrFinish();
    }
  }

  onUpstreamFinish(): void {
    if (!this.zeroSent) {
      this.zeroSent = true;
      this.emit(this.stage.out, this.acc, () => this.completeStage());
    } else if (this.idle) {
      this.completeStage();
    }
    // else: the running call decides (its result is emitted, then the stage completes)
  }

  protected accumulated(): void {
    this.push(this.stage.out, this.acc); // downstream pulled before the element was requested
    if (this.isClosed(this.stage.in)) this.completeStage();
  }

  protected dropped(): void {
    this.pullOrFinish();
  }
}
