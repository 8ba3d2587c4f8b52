import { BatchStage } from './batchInternals.js';
import { requirePositiveWeight } from './durations.js';
import { requireFunction } from './validate.js';

/**
 * `batchWeighted(max, costFn, seed, aggregate)`: while downstream is busy, folds elements into a batch
 * whose total cost (`costFn`) stays within `max`; backpressures when the next element does not fit.
 */
export class BatchWeighted<I, S> extends BatchStage<I, S> {
  constructor(max: number, costFn: (x: I) => number, seed: (x: I) => S, aggregate: (acc: S, x: I) => S) {
    requirePositiveWeight('batchWeighted', 'max', max);
    requireFunction('batchWeighted', 'costFn', costFn);
    requireFunction('batchWeighted', 'seed', seed);
    requireFunction('batchWeighted', 'aggregate', aggregate);
    super('batchWeighted', max, costFn, seed, aggregate);
  }
}
