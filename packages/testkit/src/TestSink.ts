import { Sink } from '@tributary/core';
import {
  AbruptTerminationException,
  type AsyncCallback,
  type Attributes,
  GraphStageLogic,
  GraphStageWithMaterializedValue,
  type InHandler,
  Inlet,
  SinkShape,
} from '@tributary/core/stage';
import { AssertionFailed, deepEqual, EventQueue, show } from './Expectations.js';
import { type IdleObservable, settle } from './Settle.js';

export type SubscriberEvent<T> =
  | { readonly kind: 'next'; readonly value: T }
  | { readonly kind: 'complete' }
  | { readonly kind: 'error'; readonly error: unknown };

export interface ProbeSettings {
  /** How long `expect*` waits (real time) before failing. Default 3000 ms. */
  readonly timeoutMs?: number;
  /** Default window of `expectNoMessage`. Default 100 ms. */
  readonly noMessageMs?: number;
}

/**
 * The test's end of a `TestSink.probe()`: it decides demand (`request`) and checks what arrives, in
 * order. Nothing is pulled from upstream until the test requests it, so a probe test shows exactly
 * how an operator reacts to demand.
 */
export class TestSubscriberProbe<T> {
  /** @internal */ readonly _events = new EventQueue<SubscriberEvent<T>>();
  /** @internal */ _onRequest: AsyncCallback<number> | null = null;
  /** @internal */ _onCancel: AsyncCallback<unknown> | null = null;
  /** @internal The materializer running the probe's stream. */ _materializer: IdleObservable | null = null;
  private readonly timeoutMs: number;
  private readonly noMessageMs: number;

  constructor(settings: ProbeSettings = {}) {
    this.timeoutMs = settings.timeoutMs ?? 3000;
    this.noMessageMs = settings.noMessageMs ?? 100;
  }

  /** Signals demand for `n` more elements (n must be a positive integer or Infinity). */
  request(n: number): this {
    if (typeof n !== 'number' || !(Number.isInteger(n) || n === Infinity) || n <= 0) {
      throw new RangeError(`TestSubscriberProbe.request(${String(n)}): n must be a positive integer or Infinity`);
    }
    this._onRequest!.invoke(n);
    return this;
  }

  /** Cancels the subscription (upstream sees a cancellation with `cause`). */
  cancel(cause?: unknown): this {
    this._onCancel!.invoke(cause);
    return this;
  }

  private async nextEvent(what: string): Promise<SubscriberEvent<T>> {
    return this._events.next(this.timeoutMs, what);
  }

  /** Expects the next signal to be an element (equal to `expected`, if given); returns it. */
  async expectNext(...expected: [] | [T]): Promise<T> {
    const what = expected.length === 0 ? 'an element' : `element ${show(expected[0])}`;
    const e = await this.nextEvent(what);
    if (e.kind !== 'next') throw new AssertionFailed(`expected ${what}, got ${describeEvent(e)}`);
    if (expected.length === 1 && !deepEqual(e.value, expected[0])) throw new AssertionFailed(`expected ${what}, got element ${show(e.value)}`);
    return e.value;
  }

  /** Expects exactly these elements next, in order. */
  async expectNextN(values: readonly T[]): Promise<void> {
    for (const v of values) await this.expectNext(v);
  }

  /** Requests one element and expects it (equal to `expected`, if given). */
  async requestNext(...expected: [] | [T]): Promise<T> {
    this.request(1);
    return this.expectNext(...expected);
  }

  /** Expects completion as the next signal. */
  async expectComplete(): Promise<void> {
    const e = await this.nextEvent('completion');
    if (e.kind !== 'complete') throw new AssertionFailed(`expected completion, got ${describeEvent(e)}`);
  }

  /** Expects failure as the next signal (with exactly `expected`, if given); returns the error. */
  async expectError(...expected: [] | [unknown]): Promise<unknown> {
    const e = await this.nextEvent('an error');
    if (e.kind !== 'error') throw new AssertionFailed(`expected an error, got ${describeEvent(e)}`);
    if (expected.length === 1 && e.error !== expected[0])
      throw new AssertionFailed(`expected error ${show(String(expected[0]))}, got ${show(String(e.error))}`);
    return e.error;
  }

  /**
   * Expects no signal at all during `ms` milliseconds (real time). For a stream whose pending work is
   * in-process, `expectNoMessageWhenIdle()` says the same without waiting on the clock; keep this for
   * what only real time brings (real timers, sockets, files).
   */
  async expectNoMessage(ms: number = this.noMessageMs): Promise<void> {
    const e = await this._events.poll(ms);
    if (e !== undefined) throw new AssertionFailed(`expected no message within ${ms} ms, got ${describeEvent(e)}`);
  }

  /**
   * Expects no signal once the stream has done all the work it can do on its own: waits until the
   * materializer running the probe is idle (see `settle`) and fails if a signal arrived before that or
   * is waiting. Deterministic: an element that a settled promise or an island hop would still deliver
   * is caught, with no real-time window. Work waiting on a real timer or on I/O is not waited for.
   */
  async expectNoMessageWhenIdle(): Promise<void> {
    const fail = (): void => {
      if (this._events.size !== 0) throw new AssertionFailed(`expected no message once the stream is idle, got ${describeEvent(this._events.peek()!)}`);
    };
    fail();
    await settle(this._materializer ?? undefined, { timeoutMs: this.timeoutMs }, fail);
  }

  /** Requests everything and collects elements until completion (rejects on error). */
  async toArray(): Promise<T[]> {
    this.request(Infinity);
    const out: T[] = [];
    for (;;) {
      const e = await this.nextEvent('elements or completion');
      if (e.kind === 'next') out.push(e.value);
      else if (e.kind === 'complete') return out;
      else throw e.error;
    }
  }
}

function describeEvent(e: SubscriberEvent<unknown>): string {
  if (e.kind === 'next') return `element ${show(e.value)}`;
  if (e.kind === 'complete') return 'completion';
  return `error ${show(String(e.error))}`;
}

class ProbeSinkStage<T> extends GraphStageWithMaterializedValue<SinkShape<T>, TestSubscriberProbe<T>> {
  readonly in = new Inlet<T>('TestSink.in');
  readonly shape = new SinkShape(this.in);
  constructor(private readonly settings: ProbeSettings) {
    super();
  }
  override get defaultName(): string {
    return 'testSinkProbe';
  }
  createLogicAndMaterializedValue(_attributes: Attributes, materializer: IdleObservable): [GraphStageLogic, TestSubscriberProbe<T>] {
    const probe = new TestSubscriberProbe<T>(this.settings);
    probe._materializer = materializer;
    return [new ProbeSinkLogic(this, probe), probe];
  }
}

class ProbeSinkLogic<T> extends GraphStageLogic implements InHandler {
  private demand = 0;
  /** Whether the probe saw the end of the stream (or the test cancelled it). */
  private ended = false;
  constructor(
    private readonly stage: ProbeSinkStage<T>,
    private readonly probe: TestSubscriberProbe<T>,
  ) {
    super(stage.shape);
    this.setHandler(stage.in, this);
    probe._onRequest = this.getAsyncCallback((n) => {
      this.demand += n;
      this.pullIfDemanded();
    });
    probe._onCancel = this.getAsyncCallback((cause) => {
      this.ended = true;
      if (!this.isClosed(this.stage.in)) this.cancel(this.stage.in, cause);
    });
  }
  private pullIfDemanded(): void {
    const inlet = this.stage.in;
    if (this.demand > 0 && !this.isClosed(inlet) && !this.hasBeenPulled(inlet)) this.pull(inlet);
  }
  onPush(): void {
    this.demand--;
    this.probe._events.push({ kind: 'next', value: this.grab(this.stage.in) });
    this.pullIfDemanded();
  }
  onUpstreamFinish(): void {
    this.ended = true;
    this.probe._events.push({ kind: 'complete' });
    this.completeStage();
  }
  onUpstreamFailure(error: unknown): void {
    this.ended = true;
    this.probe._events.push({ kind: 'error', error });
    this.completeStage();
  }
  override postStop(): void {
    // Stopped from outside (materializer shutdown): the test sees it, as a subscriber would get onError.
    if (!this.ended)
      this.probe._events.push({
        kind: 'error',
        error: new AbruptTerminationException(`${this.stageName}: the stream was stopped before it completed (its materializer was shut down)`),
      });
  }
}

export const TestSink = {
  /** A sink whose materialized value lets the test drive demand and check every signal. */
  probe<T>(settings: ProbeSettings = {}): Sink<T, TestSubscriberProbe<T>> {
    return Sink.fromGraph(new ProbeSinkStage<T>(settings));
  },
};
