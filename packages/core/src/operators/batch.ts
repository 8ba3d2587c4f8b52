import { BatchStage } from './batchInternals.js';
import { requireFunction, requirePositiveInt } from './validate.js';

const one = (): number => 1;

/**
 * `batch(max, seed, aggregate)`: while downstream is busy, folds up to `max` elements into a batch;
 * backpressures when the batch is full.
 */
export class Batch<I, S> extends BatchStage<I, S> {
  constructor(max: number, seed: (x: I) => S, aggregate: (acc: S, x: I) => S) {
    requirePositiveInt('batch', 'max', max);
    requireFunction('batch', 'seed', seed);
    requireFunction('batch', 'aggregate', aggregate);
    super('batch', max, one, seed, aggregate);
  }
}
