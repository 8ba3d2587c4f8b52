import type { Attributes, Decider } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { FoldAccumulator } from './accumulators.js';
import { decide, FlowStage } from './FlowStage.js';
import { requireFunction } from './validate.js';

/**
 * `fold(zero, f)`: emits the final accumulation when upstream completes (`zero` for an empty stream).
 * Supervision: resume keeps the accumulator, restart resets it to `zero`.
 */
export class Fold<I, S> extends FlowStage<I, S> {
  constructor(
    readonly zero: S,
    readonly f: (acc: S, x: I) => S,
  ) {
    super('fold');
    requireFunction('fold', 'f', f);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new FoldLogic(this, attributes.supervisionDecider);
  }
}

class FoldLogic<I, S> extends GraphStageLogic implements InHandler, OutHandler {
  private readonly acc: FoldAccumulator<S>;
  constructor(
    private readonly stage: Fold<I, S>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.acc = new FoldAccumulator(stage.zero, stage.f as (acc: S, x: unknown) => S);
    this.setHandlers(stage.in, stage.out, this);
  }
  onPull(): void {
    if (!this.hasBeenPulled(this.stage.in)) this.pull(this.stage.in);
  }
  onPush(): void {
    const s = this.stage;
    const x = this.grab(s.in);
    try {
      this.acc.accept(x);
    } catch (e) {
      const d = decide(this.decider, e);
      if (d === 'stop') return this.failStage(e);
      if (d === 'restart') this.acc.restart();
    }
    this.pull(s.in);
  }
  onUpstreamFinish(): void {
    this.emit(this.stage.out, this.acc.result(), () => this.completeStage());
  }
}
