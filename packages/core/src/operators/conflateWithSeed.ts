import { BatchStage } from './batchInternals.js';
import { requireFunction } from './validate.js';

/**
 * `conflateWithSeed(seed, aggregate)`: while downstream is busy, folds every incoming element into a
 * summary (`seed` starts it, `aggregate` extends it); never backpressures.
 */
export class ConflateWithSeed<I, S> extends BatchStage<I, S> {
  constructor(seed: (x: I) => S, aggregate: (acc: S, x: I) => S, name = 'conflateWithSeed') {
    requireFunction(name, 'seed', seed);
    requireFunction(name, 'aggregate', aggregate);
    super(name, 1, null, seed, aggregate);
  }
}
