/**
 * Helpers for the time-area operator tests (not a test file itself): virtual time, and async functions
 * whose promises the test settles by hand.
 */
import { type Flow, Materializer } from '@tributary/core';
import { type TestPublisherProbe, TestSink, TestSource, type TestSubscriberProbe, VirtualScheduler } from '@tributary/testkit';
import { eventually } from './harness.js';

/** A fresh materializer on a virtual clock (failures are asserted by the tests, not logged). */
export function virtualTime(): { scheduler: VirtualScheduler; mat: Materializer } {
  const scheduler = new VirtualScheduler();
  return { scheduler, mat: new Materializer({ scheduler, logger: null }) };
}

/** Materializes `flow` between probes on `mat`. */
export function probeOn<I, O>(flow: Flow<I, O, unknown>, mat: Materializer): [TestPublisherProbe<I>, TestSubscriberProbe<O>] {
  return flow.runWith(TestSource.probe<I>(), TestSink.probe<O>(), mat);
}

/**
 * An async function whose calls the test settles by hand: `f(x)` records the call and returns a
 * promise that `resolve(x, v)` / `reject(x, e)` settle. Tracks how many calls run at once.
 */
export class ManualCalls<I, O> {
  readonly started: I[] = [];
  private readonly pending = new Map<I, { resolve: (v: O) => void; reject: (e: unknown) => void }>();
  inFlight = 0;
  maxInFlight = 0;

  readonly f = (x: I): Promise<O> =>
    new Promise<O>((resolve, reject) => {
      this.started.push(x);
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      this.pending.set(x, { resolve, reject });
    });

  private take(x: I) {
    const p = this.pending.get(x);
    if (p === undefined) throw new Error(`no call in flight for ${String(x)} (started: ${this.started.join(', ')})`);
    this.pending.delete(x);
    this.inFlight--;
    return p;
  }

  resolve(x: I, v: O): void {
    this.take(x).resolve(v);
  }

  reject(x: I, e: unknown): void {
    this.take(x).reject(e);
  }

  /** Waits (real time, bounded) until `n` calls have started. */
  async waitForStarted(n: number): Promise<void> {
    await eventually(() => this.started.length >= n, `${n} calls started (have ${this.started.length}: ${this.started.join(', ')})`);
  }
}

/** A real-time materializer that does not log the failures the tests provoke on purpose. */
export function quiet(): Materializer {
  return new Materializer({ logger: null });
}
