import { GroupedWeightedWithin } from './groupedWeightedWithin.js';
import { requirePositiveInt } from './validate.js';

/**
 * `groupedWithin(n, ms)`: chunks the stream into groups of at most `n` elements, emitted every `ms` (if not
 * empty) or as soon as `n` elements are collected, whichever comes first.
 */
export class GroupedWithin<T> extends GroupedWeightedWithin<T> {
  constructor(n: number, ms: number) {
    requirePositiveInt('groupedWithin', 'n', n);
    super(Infinity, n, null, ms, 'groupedWithin');
  }
}
