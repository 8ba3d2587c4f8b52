/**
 * The TCK's own helper publisher (Java's `HelperPublisher` / `InfiniteHelperPublisher`): a correct,
 * asynchronous, demand-respecting publisher of `createElement(0)`, `createElement(1)`, ... used to feed
 * subscribers and processors under test. `elements === Infinity` produces an infinite stream.
 */
import type { Publisher, Subscriber, Subscription } from '@tributary/core';

export type SubscriberFailureHandler = (error: unknown, signal: 'onSubscribe' | 'onNext' | 'onError' | 'onComplete') => void;

/** Maximum number of `onNext` signals emitted per macrotask before yielding to the event loop. */
const BATCH = 64;

export class HelperPublisher<T> implements Publisher<T> {
  constructor(
    private readonly elements: number,
    private readonly createElement: (i: number) => T,
    private readonly onSubscriberFailure?: SubscriberFailureHandler,
  ) {
    if (!(elements >= 0)) throw new RangeError(`elements must be >= 0, was ${elements}`);
  }

  subscribe(subscriber: Subscriber<T>): void {
    if (subscriber == null) throw new TypeError('Subscriber must not be null (Rule 1.9)');
    const subscription = new HelperSubscription<T>(subscriber, this.elements, this.createElement, this.onSubscriberFailure);
    try {
      subscriber.onSubscribe(subscription);
    } catch (e) {
      subscription.fail(e, 'onSubscribe');
      return;
    }
    subscription.schedule();
  }

  toString(): string {
    return `HelperPublisher(${this.elements})`;
  }
}

class HelperSubscription<T> implements Subscription {
  private subscriber: Subscriber<T> | undefined;
  private index = 0;
  private demand = 0;
  private scheduled = false;
  private pendingError: RangeError | undefined;

  constructor(
    subscriber: Subscriber<T>,
    private readonly elements: number,
    private readonly createElement: (i: number) => T,
    private readonly onSubscriberFailure: SubscriberFailureHandler | undefined,
  ) {
    this.subscriber = subscriber;
  }

  request(n: number): void {
    if (this.subscriber === undefined) return;
    if (!(n === Infinity || (Number.isInteger(n) && n > 0))) {
      this.pendingError ??= new RangeError(`Rule 3.9: non-positive subscription request: request(${n})`);
    } else {
      const sum = this.demand + n;
      this.demand = sum > Number.MAX_SAFE_INTEGER ? Infinity : sum;
    }
    this.schedule();
  }

  cancel(): void {
    this.subscriber = undefined; // rule 3.13
  }

  schedule(): void {
    if (this.scheduled || this.subscriber === undefined) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  fail(error: unknown, signal: 'onSubscribe' | 'onNext' | 'onError' | 'onComplete'): void {
    this.subscriber = undefined;
    this.onSubscriberFailure?.(error, signal);
  }

  private run(): void {
    this.scheduled = false;
    let emitted = 0;
    for (;;) {
      const s = this.subscriber;
      if (s === undefined) return;
      if (this.pendingError !== undefined) {
        this.subscriber = undefined;
        this.call(s, 'onError', () => s.onError(this.pendingError));
        return;
      }
      if (this.index >= this.elements) {
        this.subscriber = undefined;
        this.call(s, 'onComplete', () => s.onComplete());
        return;
      }
      if (this.demand <= 0) return;
      if (emitted >= BATCH) {
        this.schedule();
        return;
      }
      const element = this.createElement(this.index);
      this.index += 1;
      if (this.demand !== Infinity) this.demand -= 1;
      emitted += 1;
      if (!this.call(s, 'onNext', () => s.onNext(element))) return;
    }
  }

  private call(s: Subscriber<T>, signal: 'onNext' | 'onError' | 'onComplete', body: () => void): boolean {
    try {
      body();
      return true;
    } catch (e) {
      if (this.subscriber === s) this.subscriber = undefined;
      this.onSubscriberFailure?.(e, signal);
      return false;
    }
  }

  toString(): string {
    return `HelperSubscription(${this.index}/${this.elements})`;
  }
}
