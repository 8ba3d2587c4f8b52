/**
 * Test environment and asynchronous probes for the Reactive Streams TCK port.
 *
 * This is a port of `org.reactivestreams.tck.TestEnvironment` (Reactive Streams 1.0.4) to JavaScript's
 * single-threaded, promise-based world: every blocking `poll(timeout)` of the Java TCK becomes an
 * `await` that resolves as soon as the awaited signal arrives (whether the publisher signalled
 * synchronously inside `subscribe`/`request` or asynchronously later), or fails after a real-timer
 * timeout. Spec violations noticed inside signal callbacks are collected as "async errors" (`flop`) and
 * fail the test when it verifies them (every TCK test does so when its body has finished).
 */
import { inspect, isDeepStrictEqual } from 'node:util';
import type { Publisher, Subscriber, Subscription } from '@tributary/core';
import { HelperPublisher } from './HelperPublisher.js';

/** Any error constructor, e.g. `RangeError`, `TypeError`, or a custom `Error` subclass. */
export type ErrorClass<E = unknown> = abstract new (...args: any[]) => E;

/** An assertion failure raised by the TCK (either thrown directly or collected asynchronously). */
export class TckAssertionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TckAssertionError';
  }
}

/** Thrown to mark a TCK test as skipped (the equivalent of TestNG's `SkipException`). */
export class TckSkip extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TckSkip';
  }
}

/** The exception the TCK itself signals to subscribers under test (`onError`). */
export class TestException extends Error {
  constructor(message = 'Test Exception: Boom!') {
    super(message);
    this.name = 'TestException';
  }
}

/** Render a value for an error message. */
export function fmt(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Error) return `${value.name}(${JSON.stringify(value.message)})`;
  return inspect(value, { depth: 2, breakLength: Infinity, maxArrayLength: 10, maxStringLength: 200 });
}

/** Structural equality used wherever the Java TCK uses `equals`. */
export function elementsEqual(a: unknown, b: unknown): boolean {
  return Object.is(a, b) || isDeepStrictEqual(a, b);
}

/** `true` iff `n` is a legal argument to `Subscription.request` under the JS adaptation of rule 3.9. */
export function isValidDemand(n: number): boolean {
  return n === Infinity || (Number.isInteger(n) && n > 0);
}

/** Add demand saturating at `Infinity` (never `NaN`). */
export function addDemand(current: number, n: number): number {
  const sum = current + n;
  return sum > Number.MAX_SAFE_INTEGER ? Infinity : sum;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/**
 * A minimal change notifier: waiters register a condition and are re-checked on every `notify()`.
 * Listener invocation is synchronous, so a waiter sees state changes made synchronously by a publisher.
 */
export class ChangeSignal {
  private readonly listeners = new Set<() => void>();

  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Resolves `true` as soon as `condition()` holds, or `false` (never rejects) after `timeoutMs`. */
  waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
    if (condition()) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      let finished = false;
      const finish = (value: boolean): void => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(value);
      };
      const listener = (): void => {
        if (condition()) finish(true);
      };
      const timer = setTimeout(() => finish(condition()), Math.max(0, timeoutMs));
      this.listeners.add(listener);
    });
  }
}

export interface TestEnvironmentOptions {
  /** Timeout for expected signals (`expectNext`, `expectCompletion`, `expectError`, ...). Default 300 ms. */
  defaultTimeoutMs?: number;
  /** How long to wait to be confident that no signal arrives (`expectNone`, `verifyNoAsyncErrors`). Default 100 ms. */
  defaultNoSignalsTimeoutMs?: number;
  /** Print (or hand to the given function) a trace of the signals the TCK's probes observe. */
  debug?: boolean | ((message: string) => void);
}

/**
 * Configuration plus per-test state (collected async errors, cleanup actions). The verifications
 * `fork()` a fresh environment for every test, so tests never share async errors and may run concurrently.
 */
export class TestEnvironment {
  static readonly TEST_BUFFER_SIZE = 16;

  readonly defaultTimeoutMs: number;
  readonly defaultNoSignalsTimeoutMs: number;
  private readonly debugSink: ((message: string) => void) | undefined;
  private readonly options: TestEnvironmentOptions;

  private readonly asyncErrors: TckAssertionError[] = [];
  private readonly asyncErrorsChanged = new ChangeSignal();
  private readonly cleanups: Array<() => void> = [];

  constructor(options: TestEnvironmentOptions = {}) {
    this.options = { ...options };
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 300;
    this.defaultNoSignalsTimeoutMs = options.defaultNoSignalsTimeoutMs ?? 100;
    if (!(this.defaultTimeoutMs >= 0) || !(this.defaultNoSignalsTimeoutMs >= 0)) {
      throw new RangeError('TestEnvironment timeouts must be non-negative numbers');
    }
    const debug = options.debug;
    this.debugSink = typeof debug === 'function' ? debug : debug === true ? (m) => console.log(`[TCK-DEBUG] ${m}`) : undefined;
  }

  /** A fresh environment with the same configuration and no collected errors. */
  fork(): TestEnvironment {
    return new TestEnvironment(this.options);
  }

  get debugEnabled(): boolean {
    return this.debugSink !== undefined;
  }

  debug(message: string | (() => string)): void {
    if (this.debugSink) this.debugSink(typeof message === 'function' ? message() : message);
  }

  // ---------------------------------------------------------------- async errors

  /** Create (but do not record) an assertion error, for throwing from an awaited expectation. */
  fail(message: string, cause?: unknown): TckAssertionError {
    return cause === undefined ? new TckAssertionError(message) : new TckAssertionError(message, { cause });
  }

  /**
   * Record a spec violation noticed asynchronously (inside a signal callback). Never throws, so it is
   * safe to call from `onNext` & co.; the test fails when it verifies async errors.
   */
  flop(message: string, cause?: unknown): TckAssertionError {
    const error = this.fail(message, cause);
    this.debug(() => `flop: ${message}`);
    this.asyncErrors.push(error);
    this.asyncErrorsChanged.notify();
    return error;
  }

  /** The errors recorded so far (oldest first). */
  get asyncErrorList(): readonly TckAssertionError[] {
    return this.asyncErrors;
  }

  /** Remove and return the oldest recorded async error. */
  dropAsyncError(): TckAssertionError | undefined {
    return this.asyncErrors.shift();
  }

  /** Remove a specific recorded error (e.g. once an expected `onError` has been consumed). */
  removeAsyncError(error: TckAssertionError): boolean {
    const i = this.asyncErrors.indexOf(error);
    if (i < 0) return false;
    this.asyncErrors.splice(i, 1);
    return true;
  }

  clearAsyncErrors(): void {
    this.asyncErrors.length = 0;
  }

  /** Throw the first recorded async error, if any. */
  verifyNoAsyncErrorsNoDelay(): void {
    const first = this.asyncErrors[0];
    if (first === undefined) return;
    const more = this.asyncErrors.length - 1;
    if (more === 0) throw first;
    const others = this.asyncErrors
      .slice(1, 4)
      .map((e) => `  - ${e.message}`)
      .join('\n');
    throw new TckAssertionError(`${first.message}\n(and ${more} more async error(s):\n${others}${more > 3 ? '\n  ...' : ''})`, {
      cause: first,
    });
  }

  /** Wait up to `delayMs` (default: no-signals timeout) for async errors to show up, then verify. */
  async verifyNoAsyncErrors(delayMs: number = this.defaultNoSignalsTimeoutMs): Promise<void> {
    await this.asyncErrorsChanged.waitUntil(() => this.asyncErrors.length > 0, delayMs);
    this.verifyNoAsyncErrorsNoDelay();
  }

  // ---------------------------------------------------------------- cleanup

  /** Register an action run (errors ignored) when the current test finishes. */
  onCleanup(action: () => void): void {
    this.cleanups.push(action);
  }

  runCleanups(): void {
    for (const action of this.cleanups.splice(0)) {
      try {
        action();
      } catch {
        // cleanup is best effort
      }
    }
  }

  // ---------------------------------------------------------------- subscribing

  /**
   * Subscribe `sub` to `pub` and wait until `onSubscribe` arrives. A synchronous exception from
   * `subscribe` fails the test (rule 1.9: failures must be signalled via `onError`).
   */
  async subscribe<T>(pub: Publisher<T>, sub: TestSubscriber<T>, timeoutMs: number = this.defaultTimeoutMs): Promise<void> {
    try {
      pub.subscribe(sub);
    } catch (e) {
      throw this.fail(`Publisher.subscribe threw ${fmt(e)} instead of signalling errors via onError (Rule 1.9)`, e);
    }
    await sub.subscription.expectCompletion(timeoutMs, `Could not subscribe ${sub} to Publisher ${describeObject(pub)} (no onSubscribe, Rule 1.9)`);
    this.verifyNoAsyncErrorsNoDelay();
  }

  async newManualSubscriber<T>(pub: Publisher<T>, timeoutMs: number = this.defaultTimeoutMs): Promise<ManualSubscriber<T>> {
    const sub = new ManualSubscriber<T>(this);
    await this.subscribe(pub, sub, timeoutMs);
    return sub;
  }

  async newBlackholeSubscriber<T>(pub: Publisher<T>, timeoutMs: number = this.defaultTimeoutMs): Promise<BlackholeSubscriber<T>> {
    const sub = new BlackholeSubscriber<T>(this);
    await this.subscribe(pub, sub, timeoutMs);
    return sub;
  }

  /**
   * The TCK's own well-behaved asynchronous publisher of `createElement(0..elements-1)`
   * (`elements === Infinity` = infinite). Exceptions thrown by the subscriber are recorded as async errors.
   */
  createHelperPublisher<T>(elements: number, createElement: (i: number) => T): Publisher<T> {
    return new HelperPublisher<T>(elements, createElement, (error, signal) =>
      this.flop(`Subscriber.${signal} threw ${fmt(error)}; signal methods must return normally (Rule 2.13)`, error),
    );
  }

  /** Assert that `body` throws synchronously an instance of `type`, and return the thrown error. */
  expectThrowing<E>(type: ErrorClass<E>, body: () => void, message: string): E {
    try {
      body();
    } catch (e) {
      if (e instanceof type) return e;
      throw this.fail(`${message}: expected ${type.name} but ${fmt(e)} was thrown`, e);
    }
    throw this.fail(`${message}: expected ${type.name}, yet no exception was thrown`);
  }
}

export function describeObject(value: unknown): string {
  if (value !== null && typeof value === 'object') {
    const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
    const own = (value as { toString?: () => string }).toString;
    if (typeof own === 'function' && own !== Object.prototype.toString) {
      try {
        return own.call(value);
      } catch {
        // fall through
      }
    }
    return ctor ? `${ctor}{}` : '[object]';
  }
  return String(value);
}

// ==================================================================================== primitives

/** Like a `CountDownLatch(1)`. */
export class Latch {
  private closed = false;
  private readonly changed = new ChangeSignal();

  constructor(private readonly env: TestEnvironment) {}

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.changed.notify();
  }

  reOpen(): void {
    this.closed = false;
  }

  assertClosed(openErrorMessage: string): void {
    if (!this.closed) this.env.flop(openErrorMessage);
  }

  assertOpen(closedErrorMessage: string): void {
    if (this.closed) this.env.flop(closedErrorMessage);
  }

  async expectClose(notClosedErrorMessage: string, timeoutMs: number = this.env.defaultTimeoutMs): Promise<void> {
    const ok = await this.changed.waitUntil(() => this.closed, timeoutMs);
    if (!ok) throw this.env.fail(`${notClosedErrorMessage} within ${timeoutMs} ms`);
  }
}

/** A single-assignment value that can be awaited (the Java TCK's `Promise`). */
export class OneShot<T> {
  private completed = false;
  private current: T | undefined;
  private readonly changed = new ChangeSignal();

  constructor(private readonly env: TestEnvironment) {}

  static completed<T>(env: TestEnvironment, value: T): OneShot<T> {
    const p = new OneShot<T>(env);
    p.complete(value);
    return p;
  }

  get isCompleted(): boolean {
    return this.completed;
  }

  /** Complete with `value`; returns `false` (and keeps the first value) if already completed. */
  complete(value: T): boolean {
    if (this.completed) return false;
    this.completed = true;
    this.current = value;
    this.changed.notify();
    return true;
  }

  /** The value; throws if not completed yet. */
  value(): T {
    if (!this.completed) throw this.env.fail('Cannot access promise value before completion');
    return this.current as T;
  }

  async expectCompletion(timeoutMs: number, errorMessage: string): Promise<T> {
    const ok = await this.changed.waitUntil(() => this.completed, timeoutMs);
    if (!ok) throw this.env.fail(`${errorMessage} within ${timeoutMs} ms`);
    return this.current as T;
  }
}

export type ReceivedSignal<T> =
  | { readonly kind: 'next'; readonly value: T }
  | { readonly kind: 'complete' }
  | { readonly kind: 'error'; readonly error: unknown; readonly flop: TckAssertionError | undefined };

function describeSignal(signal: ReceivedSignal<unknown>): string {
  switch (signal.kind) {
    case 'next':
      return `onNext(${fmt(signal.value)})`;
    case 'complete':
      return 'onComplete()';
    case 'error':
      return `onError(${fmt(signal.error)})`;
  }
}

/** A queue of received signals (elements, then possibly a terminal signal) that can be awaited. */
export class Receptacle<T> {
  private readonly queue: Array<ReceivedSignal<T>> = [];
  private terminated = false;
  private readonly changed = new ChangeSignal();

  constructor(private readonly env: TestEnvironment) {}

  get size(): number {
    return this.queue.length;
  }

  get isTerminated(): boolean {
    return this.terminated;
  }

  add(value: T): void {
    if (this.terminated) this.env.flop(`Unexpected element ${fmt(value)} received after stream terminated (Rule 1.7)`);
    this.queue.push({ kind: 'next', value });
    this.changed.notify();
  }

  complete(): void {
    if (this.terminated) {
      this.env.flop('Unexpected additional terminal signal onComplete() received (Rule 1.7)');
      return;
    }
    this.terminated = true;
    this.queue.push({ kind: 'complete' });
    this.changed.notify();
  }

  error(error: unknown, flop?: TckAssertionError): void {
    if (this.terminated) {
      this.env.flop(`Unexpected additional terminal signal onError(${fmt(error)}) received (Rule 1.7)`, error);
      return;
    }
    this.terminated = true;
    this.queue.push({ kind: 'error', error, flop });
    this.changed.notify();
  }

  /** Take the oldest signal, or `undefined` if there is none. */
  poll(): ReceivedSignal<T> | undefined {
    return this.queue.shift();
  }

  /** Wait up to `timeoutMs` for a signal and take it. */
  async pollWithin(timeoutMs: number): Promise<ReceivedSignal<T> | undefined> {
    await this.changed.waitUntil(() => this.queue.length > 0, timeoutMs);
    return this.queue.shift();
  }

  async next(timeoutMs: number, errorMessage: string): Promise<T> {
    const signal = await this.pollWithin(timeoutMs);
    if (signal === undefined) throw this.env.fail(`${errorMessage} within ${timeoutMs} ms`);
    if (signal.kind === 'next') return signal.value;
    throw this.env.fail(`${errorMessage}: expected an element but got ${describeSignal(signal)}`, signal.kind === 'error' ? signal.error : undefined);
  }

  /** An element (`{ value }`), or `undefined` at end-of-stream. */
  async nextOrEndOfStream(timeoutMs: number, errorMessage: string): Promise<{ value: T } | undefined> {
    const signal = await this.pollWithin(timeoutMs);
    if (signal === undefined) throw this.env.fail(`${errorMessage} within ${timeoutMs} ms`);
    if (signal.kind === 'next') return { value: signal.value };
    if (signal.kind === 'complete') return undefined;
    throw this.env.fail(`${errorMessage}: expected an element or end-of-stream but got ${describeSignal(signal)}`, signal.error);
  }

  /** `n` elements, all within `timeoutMs` in total. */
  async nextN(n: number, timeoutMs: number, errorMessage: string): Promise<T[]> {
    const result: T[] = [];
    const deadline = Date.now() + timeoutMs;
    while (result.length < n) {
      const signal = await this.pollWithin(deadline - Date.now());
      if (signal === undefined) {
        throw this.env.fail(`${errorMessage}: received ${result.length} of ${n} expected elements within ${timeoutMs} ms`);
      }
      if (signal.kind !== 'next') {
        throw this.env.fail(
          `${errorMessage}: expected ${n} elements but got ${describeSignal(signal)} after ${result.length}`,
          signal.kind === 'error' ? signal.error : undefined,
        );
      }
      result.push(signal.value);
    }
    return result;
  }

  async expectCompletion(timeoutMs: number, errorMessage: string): Promise<void> {
    const signal = await this.pollWithin(timeoutMs);
    if (signal === undefined) throw this.env.fail(`${errorMessage} within ${timeoutMs} ms`);
    if (signal.kind !== 'complete') {
      throw this.env.fail(`${errorMessage}: expected end-of-stream but got ${describeSignal(signal)}`, signal.kind === 'error' ? signal.error : undefined);
    }
  }

  /**
   * Wait for an `onError` signal (elements received before it are discarded, as in the Java TCK) and
   * return its cause. The corresponding "unexpected onError" async error is withdrawn.
   */
  async expectErrorSignal(timeoutMs: number, errorMessage: string): Promise<unknown> {
    const found = await this.changed.waitUntil(() => this.queue.some((s) => s.kind !== 'next'), timeoutMs);
    if (!found) throw this.env.fail(`${errorMessage} within ${timeoutMs} ms`);
    let signal = this.queue.shift();
    while (signal !== undefined && signal.kind === 'next') signal = this.queue.shift();
    if (signal === undefined || signal.kind !== 'error') throw this.env.fail(`${errorMessage}: got onComplete() instead`);
    if (signal.flop) this.env.removeAsyncError(signal.flop);
    return signal.error;
  }

  /** Like `expectErrorSignal`, and the cause must be an instance of `type`. */
  async expectError<E>(type: ErrorClass<E>, timeoutMs: number, errorMessage: string): Promise<E> {
    const error = await this.expectErrorSignal(timeoutMs, `${errorMessage}: expected onError(${type.name})`);
    if (error instanceof type) return error;
    throw this.env.fail(`${errorMessage}: expected onError(${type.name}) but got onError(${fmt(error)})`, error);
  }

  async expectNone(withinMs: number, errorMessagePrefix: string): Promise<void> {
    const signal = await this.pollWithin(withinMs);
    if (signal === undefined) return;
    throw this.env.fail(`${errorMessagePrefix}${describeSignal(signal)}`, signal.kind === 'error' ? signal.error : undefined);
  }
}

// ==================================================================================== subscribers

/** A subscriber that considers every signal unexpected; subclasses override what they expect. */
export class TestSubscriber<T> implements Subscriber<T> {
  readonly subscription: OneShot<Subscription>;
  private static counter = 0;
  protected readonly id = ++TestSubscriber.counter;

  constructor(protected readonly env: TestEnvironment) {
    this.subscription = new OneShot<Subscription>(env);
  }

  onSubscribe(subscription: Subscription): void {
    this.env.flop(`Unexpected Subscriber::onSubscribe(${fmt(subscription)})`);
  }

  onNext(element: T): void {
    this.env.flop(`Unexpected Subscriber::onNext(${fmt(element)})`);
  }

  onError(cause: unknown): void {
    this.env.flop(`Unexpected Subscriber::onError(${fmt(cause)})`, cause);
  }

  onComplete(): void {
    this.env.flop('Unexpected Subscriber::onComplete()');
  }

  cancel(): void {
    if (this.subscription.isCompleted) this.subscription.value().cancel();
    else this.env.flop('Cannot cancel a subscription before having received it');
  }

  toString(): string {
    return `${this.constructor.name}#${this.id}`;
  }
}

/**
 * The TCK's main probe (Java's `ManualSubscriberWithSubscriptionSupport`): records elements and
 * terminal signals for awaiting, and checks as they happen that the publisher
 * - calls `onSubscribe` first and only once (rule 1.9),
 * - never signals more `onNext` than requested (rule 1.1) — also not after `cancel` (rules 3.6, 1.8),
 * - signals nothing after a terminal signal (rule 1.7).
 *
 * Demand is accounted through the `Subscription` handed out by `subscription` (a transparent wrapper of
 * the publisher's), so tests must request through it (or through `request`).
 */
export class ManualSubscriber<T> extends TestSubscriber<T> {
  readonly received: Receptacle<T>;
  /** Total valid demand signalled before cancellation (saturating). */
  requested = 0;
  /** Number of `onNext` signals received. */
  receivedCount = 0;
  cancelled = false;

  constructor(env: TestEnvironment) {
    super(env);
    this.received = new Receptacle<T>(env);
  }

  /**
   * Accept the publisher's subscription: records it (wrapped for demand accounting) and returns the
   * wrapper. Subclasses overriding `onSubscribe` should call this.
   */
  protected acceptSubscription(subscription: Subscription): Subscription {
    const tracked = new TrackingSubscription(subscription, this);
    if (!this.subscription.complete(tracked)) {
      this.env.flop(`Subscriber::onSubscribe called on an already-subscribed Subscriber ${this} (Rule 1.9, 2.12)`);
      return tracked;
    }
    const ref = new WeakRef<ManualSubscriber<T>>(this);
    this.env.onCleanup(() => ref.deref()?.cancelQuietly());
    return tracked;
  }

  override onSubscribe(subscription: Subscription): void {
    this.env.debug(() => `${this}::onSubscribe(${fmt(subscription)})`);
    if (subscription == null) {
      this.env.flop(`Publisher called ${this}.onSubscribe(${subscription}) (Rule 1.9)`);
      return;
    }
    this.acceptSubscription(subscription);
  }

  /** Accounting and ordering checks for an `onNext`; returns `false` if the element should be ignored. */
  protected checkOnNext(element: T): boolean {
    this.env.debug(() => `${this}::onNext(${fmt(element)})`);
    if (!this.subscription.isCompleted) {
      this.env.flop(`Subscriber::onNext(${fmt(element)}) called before Subscriber::onSubscribe (Rule 1.9)`);
      return false;
    }
    this.receivedCount += 1;
    if (this.receivedCount > this.requested) {
      if (this.cancelled) {
        this.env.flop(
          `Publisher signalled onNext(${fmt(element)}) after Subscription.cancel() beyond the ${this.requested} element(s) requested before cancellation (Rules 3.6, 1.8)`,
        );
      } else {
        this.env.flop(
          `Publisher signalled ${this.receivedCount} onNext but only ${this.requested} element(s) were requested (Rule 1.1): onNext(${fmt(element)})`,
        );
      }
    }
    return true;
  }

  override onNext(element: T): void {
    if (this.checkOnNext(element)) this.received.add(element);
  }

  override onComplete(): void {
    this.env.debug(() => `${this}::onComplete()`);
    if (!this.subscription.isCompleted) {
      this.env.flop('Subscriber::onComplete() called before Subscriber::onSubscribe (Rule 1.9)');
      return;
    }
    this.received.complete();
  }

  override onError(cause: unknown): void {
    this.env.debug(() => `${this}::onError(${fmt(cause)})`);
    if (!this.subscription.isCompleted) {
      this.env.flop(`Subscriber::onError(${fmt(cause)}) called before Subscriber::onSubscribe (Rule 1.9)`, cause);
      return;
    }
    const flop = this.received.isTerminated ? undefined : this.env.flop(`Unexpected Subscriber::onError(${fmt(cause)})`, cause);
    this.received.error(cause, flop);
  }

  /** Request via the tracked subscription (exceptions from the publisher propagate). */
  request(n: number): void {
    this.env.debug(() => `${this}::request(${n})`);
    this.subscription.value().request(n);
  }

  override cancel(): void {
    this.env.debug(() => `${this}::cancel()`);
    super.cancel();
  }

  /** Cancel if subscribed and not yet cancelled, ignoring exceptions (used for cleanup). */
  cancelQuietly(): void {
    if (!this.subscription.isCompleted || this.cancelled) return;
    try {
      this.subscription.value().cancel();
    } catch {
      // ignore
    }
  }

  // ---- expectations (all asynchronous)

  async requestNextElement(errorMessage = 'Did not receive expected element', timeoutMs = this.env.defaultTimeoutMs): Promise<T> {
    this.request(1);
    return this.nextElement(errorMessage, timeoutMs);
  }

  async requestNextElementOrEndOfStream(
    errorMessage = 'Did not receive expected stream completion',
    timeoutMs = this.env.defaultTimeoutMs,
  ): Promise<{ value: T } | undefined> {
    this.request(1);
    return this.nextElementOrEndOfStream(errorMessage, timeoutMs);
  }

  async requestEndOfStream(errorMessage = 'Did not receive expected stream completion', timeoutMs = this.env.defaultTimeoutMs): Promise<void> {
    this.request(1);
    await this.expectCompletion(errorMessage, timeoutMs);
  }

  async requestNextElements(n: number, errorMessage = `Did not receive ${n} expected elements`, timeoutMs = this.env.defaultTimeoutMs): Promise<T[]> {
    this.request(n);
    return this.nextElements(n, errorMessage, timeoutMs);
  }

  nextElement(errorMessage = 'Did not receive expected element', timeoutMs = this.env.defaultTimeoutMs): Promise<T> {
    return this.received.next(timeoutMs, errorMessage);
  }

  nextElementOrEndOfStream(
    errorMessage = 'Did not receive expected stream completion',
    timeoutMs = this.env.defaultTimeoutMs,
  ): Promise<{ value: T } | undefined> {
    return this.received.nextOrEndOfStream(timeoutMs, errorMessage);
  }

  nextElements(n: number, errorMessage = 'Did not receive expected element or completion', timeoutMs = this.env.defaultTimeoutMs): Promise<T[]> {
    return this.received.nextN(n, timeoutMs, errorMessage);
  }

  async expectNext(expected: T, timeoutMs = this.env.defaultTimeoutMs): Promise<void> {
    const received = await this.nextElement('Did not receive expected element on downstream', timeoutMs);
    if (!elementsEqual(received, expected)) {
      throw this.env.fail(`Expected element ${fmt(expected)} on downstream but received ${fmt(received)}`);
    }
  }

  expectCompletion(errorMessage = 'Did not receive expected stream completion', timeoutMs = this.env.defaultTimeoutMs): Promise<void> {
    return this.received.expectCompletion(timeoutMs, errorMessage);
  }

  expectError<E>(type: ErrorClass<E>, errorMessage = 'Expected onError', timeoutMs = this.env.defaultTimeoutMs): Promise<E> {
    return this.received.expectError(type, timeoutMs, errorMessage);
  }

  /** Expect `onError` whose cause is (identical or equal to) `cause`. */
  async expectErrorCause(cause: unknown, timeoutMs = this.env.defaultTimeoutMs): Promise<void> {
    const received = await this.received.expectErrorSignal(timeoutMs, `Did not receive expected error ${fmt(cause)} on downstream`);
    if (!elementsEqual(received, cause)) throw this.env.fail(`Expected error ${fmt(cause)} but got ${fmt(received)}`, received);
  }

  /** Expect `onError(type)` whose message contains at least one of `requiredMessageParts`. */
  async expectErrorWithMessage<E>(type: ErrorClass<E>, requiredMessageParts: readonly string[], timeoutMs = this.env.defaultTimeoutMs): Promise<E> {
    const err = await this.expectError(type, 'Expected onError', timeoutMs);
    const message = err instanceof Error ? err.message : String(err);
    if (!requiredMessageParts.some((part) => message.includes(part))) {
      throw this.env.fail(
        `Got expected exception ${fmt(err)} but missing message part [${requiredMessageParts.map((p) => JSON.stringify(p)).join(' or ')}], was: ${JSON.stringify(message)}`,
      );
    }
    return err;
  }

  expectNone(errorMessagePrefix = 'Did not expect an element but got ', withinMs = this.env.defaultNoSignalsTimeoutMs): Promise<void> {
    return this.received.expectNone(withinMs, errorMessagePrefix);
  }

  /** Wait up to `withinMs` for a signal and take it (`undefined` if none arrived). */
  pollSignal(withinMs = this.env.defaultNoSignalsTimeoutMs): Promise<ReceivedSignal<T> | undefined> {
    return this.received.pollWithin(withinMs);
  }
}

/** The `Subscription` handed to tests by `ManualSubscriber`: forwards and accounts demand / cancellation. */
class TrackingSubscription implements Subscription {
  constructor(
    private readonly inner: Subscription,
    private readonly owner: { requested: number; cancelled: boolean },
  ) {}

  request(n: number): void {
    if (!this.owner.cancelled && isValidDemand(n)) this.owner.requested = addDemand(this.owner.requested, n);
    this.inner.request(n);
  }

  cancel(): void {
    this.owner.cancelled = true;
    this.inner.cancel();
  }

  toString(): string {
    return `Tracking(${describeObject(this.inner)})`;
  }
}

/** A `ManualSubscriber` that checks but does not store elements (for draining long streams). */
export class BlackholeSubscriber<T> extends ManualSubscriber<T> {
  override onNext(element: T): void {
    this.checkOnNext(element);
  }

  override nextElement(): Promise<T> {
    throw new Error('Can not expect elements from BlackholeSubscriber, use ManualSubscriber instead!');
  }

  override nextElements(): Promise<T[]> {
    throw new Error('Can not expect elements from BlackholeSubscriber, use ManualSubscriber instead!');
  }
}

// ==================================================================================== publishers

/**
 * A publisher fully controlled by the test (Java's `ManualPublisher`): supports one subscriber, records
 * `request` calls and cancellation, and sends signals only when the test says so.
 */
export class ManualPublisher<T> implements Publisher<T> {
  pendingDemand = 0;
  readonly subscriber: OneShot<Subscriber<T>>;
  readonly requests: Receptacle<number>;
  readonly cancelled: Latch;

  constructor(protected readonly env: TestEnvironment) {
    this.subscriber = new OneShot<Subscriber<T>>(env);
    this.requests = new Receptacle<number>(env);
    this.cancelled = new Latch(env);
  }

  subscribe(s: Subscriber<T>): void {
    if (s == null) throw new TypeError('Subscriber must not be null (Rule 1.9)');
    if (!this.subscriber.complete(s)) {
      this.env.flop("TestPublisher doesn't support more than one Subscriber");
      return;
    }
    const subscription: Subscription = {
      request: (n: number) => {
        this.env.debug(() => `ManualPublisher: request(${n})`);
        this.requests.add(n);
      },
      cancel: () => {
        this.env.debug('ManualPublisher: cancel()');
        this.cancelled.close();
      },
      toString: () => 'ManualPublisherSubscription',
    } as Subscription;
    s.onSubscribe(subscription);
  }

  private requireSubscriber(action: string): Subscriber<T> {
    if (!this.subscriber.isCompleted) throw this.env.fail(`Cannot ${action} before having a Subscriber`);
    return this.subscriber.value();
  }

  sendNext(element: T): void {
    this.requireSubscriber('sendNext').onNext(element);
  }

  sendCompletion(): void {
    this.requireSubscriber('sendCompletion').onComplete();
  }

  sendError(cause: unknown): void {
    this.requireSubscriber('sendError').onError(cause);
  }

  /** Wait for the next `request(n)` call; fails on timeout or on an invalid `n` (rule 3.9 / 2.1). */
  async expectRequest(timeoutMs = this.env.defaultTimeoutMs): Promise<number> {
    const requested = await this.requests.next(timeoutMs, 'Did not receive expected `request` call');
    if (!isValidDemand(requested)) {
      throw this.env.fail(`Requests cannot be zero, negative, NaN or fractional but received request(${requested}) (Rule 3.9)`);
    }
    this.pendingDemand = addDemand(this.pendingDemand, requested);
    return requested;
  }

  async expectExactRequest(expected: number, timeoutMs = this.env.defaultTimeoutMs): Promise<void> {
    const requested = await this.expectRequest(timeoutMs);
    if (requested !== expected) throw this.env.fail(`Received \`request(${requested})\` on upstream but expected \`request(${expected})\``);
  }

  expectNoRequest(timeoutMs = this.env.defaultNoSignalsTimeoutMs): Promise<void> {
    return this.requests.expectNone(timeoutMs, 'Received an unexpected call to: request: ');
  }

  expectCancelling(timeoutMs = this.env.defaultTimeoutMs): Promise<void> {
    return this.cancelled.expectClose('Did not receive expected cancelling of upstream subscription', timeoutMs);
  }

  get isCancelled(): boolean {
    return this.cancelled.isClosed;
  }
}
