/** Small hand-driven Reactive Streams endpoints for the boundary probe tests (not a test file). */

import type { Publisher, Subscriber, Subscription } from '@tributary/core';
import type { TestPublisherProbe } from '@tributary/testkit';

/** A subscriber that records what it is sent and exposes its subscription. */
export class Recorder<T> implements Subscriber<T> {
  subscription: Subscription | undefined;
  readonly elements: T[] = [];
  completed = false;
  error: unknown = undefined;
  onSubscribe(s: Subscription): void {
    this.subscription = s;
  }
  onNext(x: T): void {
    this.elements.push(x);
  }
  onError(e: unknown): void {
    this.error = e;
  }
  onComplete(): void {
    this.completed = true;
  }
}

/** A publisher driven by the test: it records requests and cancellation and sends what it is told. */
export class ManualPub<T> implements Publisher<T> {
  subscriber: Subscriber<T> | undefined;
  readonly requests: number[] = [];
  cancelled = false;
  subscribe(s: Subscriber<T>): void {
    this.subscriber = s;
    s.onSubscribe({
      request: (n) => void this.requests.push(n),
      cancel: () => void (this.cancelled = true),
    });
  }
  get requested(): number {
    return this.requests.reduce((a, b) => a + b, 0);
  }
}

export const tick = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Answers every request of `up` with `next()` until no request comes for `quietMs`; returns how many
 * elements were sent. Shows how far a bridge reads ahead when its consumer does not consume.
 */
export async function sendWhileRequested<T>(up: TestPublisherProbe<T>, next: (i: number) => T, quietMs = 50): Promise<number> {
  let sent = 0;
  for (;;) {
    const e = await up._events.poll(quietMs);
    if (e === undefined) return sent;
    if (e.kind !== 'request') throw new Error('expected a request, got cancellation');
    up.sendNext(next(sent++));
  }
}
