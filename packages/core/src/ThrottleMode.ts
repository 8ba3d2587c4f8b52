/**
 * The public types of `throttle` (its modes, options and failure); the operator is ../operators/throttle.ts.
 */
/** How `throttle` reacts to an upstream that is faster than the rate. */
export const ThrottleMode = {
  /** Delays elements until the rate allows them (backpressuring upstream meanwhile). */
  shaping: 'shaping',
  /** Fails the stream with `RateExceededError` as soon as an element exceeds the rate. */
  enforcing: 'enforcing',
} as const;
export type ThrottleMode = (typeof ThrottleMode)[keyof typeof ThrottleMode];

export interface ThrottleOptions<T> {
  /**
   * Tokens the bucket holds at most (and starts with): how many elements (cost units) may pass in a burst
   * after a quiet period. Default: the tokens that arrive in 100 ms, at least 1.
   */
  readonly maximumBurst?: number;
  /** Default `ThrottleMode.shaping`. */
  readonly mode?: ThrottleMode;
  /** The cost of an element in tokens (a non-negative integer). Default: 1 per element. */
  readonly cost?: (x: T) => number;
}

/** Raised by `throttle` in enforcing mode when upstream exceeds the rate. */
export class RateExceededError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RateExceededError';
  }
}
