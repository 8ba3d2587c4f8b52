/**
 * The failures of the timeout operators. All are `TimeoutError`s (catch that to handle any of them); the
 * `kind` and the subclass say which timeout fired.
 */
export type TimeoutKind = 'initial' | 'completion' | 'idle' | 'backpressure';

export class TimeoutError extends Error {
  constructor(
    readonly kind: TimeoutKind,
    readonly timeoutMs: number,
    message: string,
  ) {
    super(message);
    this.name = 'TimeoutError';
  }
}

/** `initialTimeout`: the first element did not pass within the timeout. */
export class InitialTimeoutError extends TimeoutError {
  constructor(timeoutMs: number, stage = 'initialTimeout') {
    super('initial', timeoutMs, `${stage}: the first element has not yet passed through in ${timeoutMs} ms`);
    this.name = 'InitialTimeoutError';
  }
}

/** `completionTimeout`: the stream did not complete within the timeout. */
export class CompletionTimeoutError extends TimeoutError {
  constructor(timeoutMs: number, stage = 'completionTimeout') {
    super('completion', timeoutMs, `${stage}: the stream has not been completed in ${timeoutMs} ms`);
    this.name = 'CompletionTimeoutError';
  }
}

/** `idleTimeout`: no element passed for longer than the timeout. */
export class IdleTimeoutError extends TimeoutError {
  constructor(timeoutMs: number, stage = 'idleTimeout') {
    super('idle', timeoutMs, `${stage}: no elements passed in the last ${timeoutMs} ms`);
    this.name = 'IdleTimeoutError';
  }
}

/** `backpressureTimeout`: downstream did not signal demand for longer than the timeout after an element. */
export class BackpressureTimeoutError extends TimeoutError {
  constructor(timeoutMs: number, stage = 'backpressureTimeout') {
    super('backpressure', timeoutMs, `${stage}: no demand signalled in the last ${timeoutMs} ms`);
    this.name = 'BackpressureTimeoutError';
  }
}
