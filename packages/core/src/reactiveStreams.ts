/**
 * The Reactive Streams 1.0.4 interfaces, adapted to JavaScript.
 *
 * - `request(n)` takes a number; `Infinity` means unbounded demand. Accumulated demand saturates at
 *   `Infinity` and never becomes `NaN`.
 * - `request(n)` with `n <= 0`, `NaN` or a non-integer signals `onError(RangeError)` to the subscriber
 *   (rule 3.9) instead of throwing.
 * - `null`/`undefined` elements and subscribers are rejected with a `TypeError` (rules 1.9, 2.13).
 *
 * Every boundary Tributary offers (`Sink.asPublisher`, `Source.fromPublisher`, `Source.asSubscriber`,
 * `Sink.fromSubscriber`, `Flow.toProcessor`) obeys these rules; `@tributary/testkit` ships a port of the
 * TCK that checks them.
 */
export interface Subscription {
  /** Ask for `n` more elements (`Infinity` = unbounded). */
  request(n: number): void;
  /** Stop the flow of elements; may be called any number of times. */
  cancel(): void;
}

export interface Subscriber<T> {
  onSubscribe(subscription: Subscription): void;
  onNext(element: T): void;
  onError(error: unknown): void;
  onComplete(): void;
}

export interface Publisher<T> {
  subscribe(subscriber: Subscriber<T>): void;
}

export interface Processor<I, O> extends Subscriber<I>, Publisher<O> {}
