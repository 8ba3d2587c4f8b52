import type { Attributes } from '../stage/Attributes.js';
import type { GraphStageLogic } from '../stage/GraphStageLogic.js';
import { ReduceAccumulator } from './accumulators.js';
import { FlowStage } from './FlowStage.js';
import { AccumulateLogic } from './fold.js';
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
    return new AccumulateLogic<T, T>(this, attributes.supervisionDecider, (logic) => new ReduceAccumulator(this.f, () => logic.stageName));
  }
}
