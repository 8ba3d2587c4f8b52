import type { Attributes, Decider } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { FoldAccumulator } from './accumulators.js';
import { decide, FlowStage } from './FlowStage.js';
import type { SinkConsumer } from './fusion.js';
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
    return new AccumulateLogic<I, S>(this, attributes.supervisionDecider, () => new FoldAccumulator(this.zero, this.f as (acc: S, x: unknown) => S));
  }
}

/**
 * The flow stages that accumulate and emit once on completion — fold and reduce — as one logic over
 * their accumulator (`accumulators.ts`). Supervision: `resume` keeps the accumulator, `restart` calls its
 * `restart()`; a `result()` that throws (reduce over nothing) fails the stage.
 */
export class AccumulateLogic<I, S> extends GraphStageLogic implements InHandler, OutHandler {
  private readonly acc: SinkConsumer<S>;
  constructor(
    private readonly stage: FlowStage<I, S>,
    private readonly decider: Decider,
    accumulator: (logic: AccumulateLogic<I, S>) => SinkConsumer<S>,
  ) {
    super(stage.shape);
    this.acc = accumulator(this);
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
    let v: S;
    try {
      v = this.acc.result();
    } catch (e) {
      return this.failStage(e); // NoSuchElementError: reduce over an empty stream
    }
    this.emit(this.stage.out, v, () => this.completeStage());
  }
}
