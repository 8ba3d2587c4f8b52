/** Shared by the weighted grouping operators (groupedWeighted, groupedAdjacentByWeighted). */
import { describe } from './validate.js';

/**
 * The error for a cost that is not a non-negative number (an element may be free), or null for a
 * valid one. A bad cost is a broken cost function, not a bad element: it fails the stream whatever the
 * supervision strategy says (as in `groupedWeightedWithin`).
 */
export function invalidCost(op: string, cost: unknown, elem: unknown): RangeError | null {
  if (typeof cost === 'number' && !Number.isNaN(cost) && cost >= 0) return null;
  return new RangeError(`${op}: costFn must return a non-negative number, got ${describe(cost)} for element ${describe(elem)}`);
}

export function requirePositiveWeight(op: string, name: string, w: unknown): void {
  if (typeof w !== 'number' || Number.isNaN(w) || w <= 0) throw new RangeError(`${op}: ${name} must be a positive number, got ${describe(w)}`);
}
