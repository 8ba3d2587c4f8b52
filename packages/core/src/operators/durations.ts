/** Argument checks for times (milliseconds) and the other number arguments of the time operators. */
import { describeValue } from '../stage/argumentChecks.js';

/** `ms` must be a finite number of milliseconds, > 0 (or >= 0 when `allowZero`): the public `requireMillis`. */
export { requireMillis as requireDuration } from '../stage/argumentChecks.js';

/** `n` must be a number > 0 (Infinity allowed): a weight limit. */
export function requirePositiveWeight(op: string, name: string, n: unknown): void {
  if (typeof n !== 'number' || Number.isNaN(n) || n <= 0) {
    throw new RangeError(`${op}: ${name} must be a positive number, got ${describeValue(n)}`);
  }
}
