import { ConflateWithSeed } from './conflateWithSeed.js';
import { requireFunction } from './validate.js';

const identity = <T>(x: T): T => x;

/** `conflate(aggregate)`: while downstream is busy, folds incoming elements into one; never backpressures. */
export class Conflate<T> extends ConflateWithSeed<T, T> {
  constructor(aggregate: (acc: T, x: T) => T) {
    requireFunction('conflate', 'aggregate', aggregate);
    super(identity, aggregate, 'conflate');
  }
}
