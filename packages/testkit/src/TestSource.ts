import { Source } from '@tributary/core';
import {
  type AsyncCallback,
  type Attributes,
  GraphStageLogic,
  GraphStageWithMaterializedValue,
  type OutHandler,
  Outlet,
  SourceShape,
} from '@tributary/core/stage';
import { AssertionFailed, EventQueue, show } from './Expectations.js';
import { type IdleObservable, settle } from './Settle.js';
import type { ProbeSettings } from './TestSink.js';

export type PublisherEvent = { readonly kind: 'request'; readonly n: number } | { readonly kind: 'cancel'; readonly cause: unknown };

/**
 * The test's end of a `TestSource.probe()`: it plays the upstream. Elements sent with `sendNext` are
 * emitted only as downstream pulls (never beyond demand); every pull is recorded as a request of 1,
 * every cancellation with its cause, so the test can check how an operator signals demand.
 */
export class TestPublisherProbe<T> {
  /** @internal */ readonly _events = new EventQueue<PublisherEvent>();
  /** @internal */ _send: AsyncCallback<{ kind: 'next'; value: T } | { kind: 'complete' } | { kind: 'error'; error: unknown }> | null = null;
  private readonly timeoutMs: number;
  private readonly noMessageMs: number;
  /** @internal The materializer running the probe's stream. */ _materializer: IdleObservable | null = null;
  /** Requests received and not yet answered with an element. */
  pending = 0;

  constructor(settings: ProbeSettings = {}) {
    this.timeoutMs = settings.timeoutMs ?? 3000;
    this.noMessageMs = settings.noMessageMs ?? 100;
  }

  /** Queues an element; it is pushed when (or as soon as) downstream has pulled. */
  sendNext(value: T): this {
    this._send!.invoke({ kind: 'next', value });
    return this;
  }

  /** Sends each element in order. */
  sendNextN(values: Iterable<T>): this {
    for (const v of values) this.sendNext(v);
    return this;
  }

  /** Completes after the queued elements have been emitted. */
  sendComplete(): this {
    this._send!.invoke({ kind: 'complete' });
    return this;
  }

  /** Fails at once (queued elements not yet emitted are dropped, as an upstream failure would). */
  sendError(error: unknown): this {
    this._send!.invoke({ kind: 'error', error });
    return this;
  }

  /** Waits for the next demand signal; returns its size (1 per pull). */
  async expectRequest(): Promise<number> {
    const e = await this._events.next(this.timeoutMs, 'a request');
    if (e.kind !== 'request') throw new AssertionFailed(`expected a request, got cancellation (${show(String(e.cause))})`);
    return e.n;
  }

  /** Waits for cancellation; returns its cause. */
  async expectCancellation(): Promise<unknown> {
    for (;;) {
      const e = await this._events.next(this.timeoutMs, 'cancellation');
      if (e.kind === 'cancel') return e.cause;
      // requests before the cancellation are allowed
    }
  }

  /**
   * Expects no request and no cancellation during `ms` milliseconds (real time). For a stream whose
   * pending work is in-process, `expectNoMessageWhenIdle()` says the same without waiting on the clock.
   */
  async expectNoMessage(ms: number = this.noMessageMs): Promise<void> {
    const e = await this._events.poll(ms);
    if (e !== undefined) throw new AssertionFailed(`expected no signal from downstream within ${ms} ms, got ${describe(e)}`);
  }

  /**
   * Expects no request and no cancellation once the stream has done all the work it can do on its own
   * (see `settle`): fails if such a signal arrived before that or is waiting. No real-time window.
   */
  async expectNoMessageWhenIdle(): Promise<void> {
    const fail = (): void => {
      if (this._events.size !== 0)
        throw new AssertionFailed(`expected no signal from downstream once the stream is idle, got ${describe(this._events.peek()!)}`);
    };
    fail();
    await settle(this._materializer ?? undefined, { timeoutMs: this.timeoutMs }, fail);
  }
}

function describe(e: PublisherEvent): string {
  return e.kind === 'request' ? 'a request' : 'cancellation';
}

class ProbeSourceStage<T> extends GraphStageWithMaterializedValue<SourceShape<T>, TestPublisherProbe<T>> {
  readonly out = new Outlet<T>('TestSource.out');
  readonly shape = new SourceShape(this.out);
  constructor(private readonly settings: ProbeSettings) {
    super();
  }
  override get defaultName(): string {
    return 'testSourceProbe';
  }
  createLogicAndMaterializedValue(_attributes: Attributes, materializer: IdleObservable): [GraphStageLogic, TestPublisherProbe<T>] {
    const probe = new TestPublisherProbe<T>(this.settings);
    probe._materializer = materializer;
    return [new ProbeSourceLogic(this, probe), probe];
  }
}

class ProbeSourceLogic<T> extends GraphStageLogic implements OutHandler {
  private readonly queue: T[] = [];
  private completing = false;
  constructor(
    private readonly stage: ProbeSourceStage<T>,
    private readonly probe: TestPublisherProbe<T>,
  ) {
    super(stage.shape);
    this.setHandler(stage.out, this);
    probe._send = this.getAsyncCallback((cmd) => {
      if (this.isClosed(stage.out)) return;
      if (cmd.kind === 'next') {
        this.queue.push(cmd.value);
        this.deliver();
      } else if (cmd.kind === 'complete') {
        this.completing = true;
        this.deliver();
      } else {
        this.failStage(cmd.error);
      }
    });
  }
  private deliver(): void {
    const out = this.stage.out;
    if (this.queue.length > 0 && this.isAvailable(out)) {
      this.probe.pending--;
      this.push(out, this.queue.shift()!);
    }
    if (this.completing && this.queue.length === 0) this.completeStage();
  }
  onPull(): void {
    this.probe.pending++;
    this.probe._events.push({ kind: 'request', n: 1 });
    this.deliver();
  }
  onDownstreamFinish(cause: unknown): void {
    this.probe._events.push({ kind: 'cancel', cause });
    this.cancelStage(cause);
  }
}

export const TestSource = {
  /** A source whose materialized value lets the test play the upstream and see demand. */
  probe<T>(settings: ProbeSettings = {}): Source<T, TestPublisherProbe<T>> {
    return Source.fromGraph(new ProbeSourceStage<T>(settings));
  },
};
