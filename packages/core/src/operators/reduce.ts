import type { Attributes, Decider } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { ReduceAccumulator } from './accumulators.js';
import { decide, FlowStage } from './FlowStage.js';
import { requireFunction } from './validate.js';

/**
 * `reduce(f)`: like fold with the first element as zero; emits the result on completion. An empty
 * stream fails with `NoSuchElementError`. Supervision: resume keeps the accumulator, restart forgets it.
 */
export class Reduce<T> extends FlowStage<T, T> {
  constructor(readonly f: (acc: T, x: T) => T) {
    super('reduce');
    requireFunction('reduce', 'f', f);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new ReduceLogic(this, attributes.supervisionDecider);
  }
}

class ReduceLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  private readonly acc: ReduceAccumulator<T>;
  constructor(
    private readonly stage: Reduce<T>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.acc = new ReduceAccumulator(stage.f, () => this.stageName);
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
    let v: T;
    try {
      v = this.acc.result();
    } catch (e) {
      return this.failStage(e); // NoSuchElementError: reduce over an empty stream
    }
    this.emit(this.stage.out, v, () => this.completeStage());
  }
}
