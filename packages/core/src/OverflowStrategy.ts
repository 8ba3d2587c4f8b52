/**
 * What a bounded buffer does when an element arrives and it is full (Akka's `OverflowStrategy`), shared by
 * `buffer`, `Source.queue`, `delay` and the interop bridges. The values are plain strings, so they print
 * and compare naturally; use the constants (`OverflowStrategy.dropHead`) rather than the literals.
 */
export const OverflowStrategy = {
  /** Drops the oldest element in the buffer to make room for the new one. */
  dropHead: 'dropHead',
  /** Drops the youngest element in the buffer (the last one enqueued) to make room for the new one. */
  dropTail: 'dropTail',
  /** Drops every buffered element to make room for the new one. */
  dropBuffer: 'dropBuffer',
  /** Drops the new element; the buffer stays as it is. */
  dropNew: 'dropNew',
  /** Stops asking upstream for elements until there is room (no element is ever dropped). */
  backpressure: 'backpressure',
  /** Fails the stream with a `BufferOverflowError`. */
  fail: 'fail',
} as const;
export type OverflowStrategy = (typeof OverflowStrategy)[keyof typeof OverflowStrategy];

/**
 * The overflow strategies of `delay`: the buffer strategies, plus `emitEarly`, which sends the oldest
 * delayed element downstream before its time is up (if downstream wants one) to make room.
 */
export const DelayOverflowStrategy = {
  ...OverflowStrategy,
  /** Emits the oldest buffered element early to make room (backpressures if downstream does not pull). */
  emitEarly: 'emitEarly',
} as const;
export type DelayOverflowStrategy = (typeof DelayOverflowStrategy)[keyof typeof DelayOverflowStrategy];

/**
 * Raised by the `fail` overflow strategy when a buffer is full. The message is Pekko's,
 * `Buffer overflow (max capacity was: N)!`; `capacity` holds N and `stage` the name of the stage whose
 * buffer overflowed (the `named()` name or the operator's).
 */
export class BufferOverflowError extends Error {
  /** The size of the buffer that overflowed (undefined when built from a message). */
  readonly capacity: number | undefined;
  /** The stage whose buffer overflowed ('' when not given). */
  readonly stage: string;
  constructor(capacity: number, stage?: string);
  /** A custom message (for code that reports an overflow of its own kind). */
  constructor(message: string);
  constructor(capacityOrMessage: number | string, stage = '') {
    super(typeof capacityOrMessage === 'number' ? `Buffer overflow (max capacity was: ${capacityOrMessage})!` : capacityOrMessage);
    this.name = 'BufferOverflowError';
    this.capacity = typeof capacityOrMessage === 'number' ? capacityOrMessage : undefined;
    this.stage = stage;
  }
}
