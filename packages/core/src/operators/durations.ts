/** Argument checks for times (milliseconds) and the other number arguments of the time operators. */
import { describe } from './validate.js';

/** `ms` must be a finite number of milliseconds, > 0 (or >= 0 when `allowZero`). */
export function requireDuration(op: string, name: string, ms: unknown, allowZero = false): void {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || (!allowZero && ms === 0)) {
    throw new RangeError(`${op}: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} finite number of milliseconds, got ${describe(ms)}`);
  }
}

/** `n` must be a number > 0 (Infinity allowed): a weight limit. */
export function requirePositiveWeight(op: string, name: string, n: unknown): void {
  if (typeof n !== 'number' || Number.isNaN(n) || n <= 0) {
    throw new RangeError(`${op}: ${name} must be a positive number, got ${describe(n)}`);
  }
}
