/**
 * The subscribing side of a Reactive Streams boundary, shared by `Source.asSubscriber` (the subscriber
 * is the materialized value), `Source.fromPublisher` (the stage subscribes itself when it starts) and
 * `Flow.toProcessor`.
 *
 * Demand is requested in batches: a window of `inputBuffer.max` elements when the subscription
 * arrives, then half a window at a time as elements are handed downstream, so the buffer never holds
 * more than one window and the publisher is asked once per half-window, not once per element.
 *
 * The publisher calls `BridgeSubscriber` from outside the island: elements go straight into the ring
 * buffer (the publisher may not send more than was requested, so it never overflows) and the stage is
 * woken through an async callback at most once per batch — no allocation per element.
 */
import { NoMoreElementsNeeded } from '../impl/GraphInterpreter.js';
import type { Subscriber, Subscription } from '../reactiveStreams.js';
import type { Attributes } from '../stage/Attributes.js';
import { type AsyncCallback, GraphStageLogic, type OutHandler } from '../stage/GraphStageLogic.js';
import type { Outlet } from '../stage/Ports.js';
import type { SourceShape } from '../stage/Shape.js';
import { nullElementError } from './reactiveStreamsInternals.js';

/** The `Subscriber` a publisher sees. It only records signals and wakes the stage. */
export class BridgeSubscriber<T> implements Subscriber<T> {
  readonly buf: (T | undefined)[];
  readonly mask: number;
  readonly window: number;
  head = 0;
  count = 0;
  /** Requested from the publisher and not yet received. */
  outstanding = 0;
  /** Subscriptions received and not yet taken by the stage. */
  readonly offered: Subscription[] = [];
  completed = false;
  failed = false;
  error: unknown = undefined;
  /** A publisher broke the protocol (too many elements, null signals): the stream fails with this. */
  violation: Error | undefined = undefined;
  /** The stage has stopped: whatever comes now is refused (subscriptions are cancelled). */
  stopped = false;
  private signalled = false;
  wake: AsyncCallback<undefined> | null = null;

  constructor(
    readonly name: string,
    window: number,
  ) {
    let cap = 1;
    while (cap < window) cap <<= 1;
    this.window = cap;
    this.buf = new Array<T | undefined>(cap);
    this.mask = cap - 1;
  }

  get terminated(): boolean {
    return this.completed || this.failed;
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null)
      throw new TypeError(`${this.name}: Rule 2.13: onSubscribe(${String(subscription)}) — the subscription must not be null or undefined`);
    if (this.stopped) {
      subscription.cancel(); // the stream is gone (rule 2.5 asks the same of a second subscription)
      return;
    }
    this.offered.push(subscription);
    this.signal();
  }

  onNext(element: T): void {
    if (element == null) {
      const e = nullElementError(this.name, element);
      this.violation ??= e;
      this.signal();
      throw e;
    }
    if (this.stopped || this.terminated) return; // after cancel, elements may still arrive (rule 2.8)
    if (this.outstanding === 0) {
      this.violation ??= new Error(`${this.name}: Rule 1.1: the publisher signalled onNext without demand (more elements than requested)`);
      this.signal();
      return;
    }
    this.outstanding--;
    this.buf[(this.head + this.count) & this.mask] = element;
    this.count++;
    this.signal();
  }

  onError(error: unknown): void {
    if (error == null) {
      const e = new TypeError(`${this.name}: Rule 2.13: onError(${String(error)}) — the error must not be null or undefined`);
      this.violation ??= e;
      this.signal();
      throw e;
    }
    if (this.terminated) return;
    this.failed = true;
    this.error = error;
    this.signal();
  }

  onComplete(): void {
    if (this.terminated) return;
    this.completed = true;
    this.signal();
  }

  dequeue(): T {
    const x = this.buf[this.head] as T;
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.count--;
    return x;
  }

  private signal(): void {
    if (this.signalled || this.stopped) return;
    const wake = this.wake;
    if (wake === null) return;
    this.signalled = true;
    wake.invoke(undefined);
  }

  /** Called by the stage when it handles a wake-up. */
  woken(): void {
    this.signalled = false;
  }

  toString(): string {
    return `Subscriber(${this.name})`;
  }
}

/** The stage logic: a source whose elements come from `bridge`. */
export class SubscriberBridgeLogic<T> extends GraphStageLogic implements OutHandler {
  private subscription: Subscription | null = null;
  /** Elements handed downstream since demand was last renewed. */
  private consumed = 0;
  private readonly batch: number;
  private readonly out: Outlet<T>;

  constructor(
    shape: SourceShape<T>,
    readonly bridge: BridgeSubscriber<T>,
    /** Called in preStart to subscribe the bridge (fromPublisher); null when the user does it (asSubscriber). */
    private readonly subscribeInPreStart: ((s: Subscriber<T>) => void) | null,
  ) {
    super(shape);
    this.out = shape.out;
    this.batch = Math.max(1, bridge.window >> 1);
    this.setHandler(shape.out, this);
    bridge.wake = this.getAsyncCallback(() => this.onWake());
  }

  static windowOf(attributes: Attributes): number {
    return attributes.inputBuffer.max;
  }

  override preStart(): void {
    const subscribe = this.subscribeInPreStart;
    if (subscribe !== null) subscribe(this.bridge);
  }

  private onWake(): void {
    const b = this.bridge;
    b.woken();
    if (b.offered.length !== 0) this.takeSubscriptions();
    if (b.violation !== undefined) {
      this.failStage(b.violation);
      return;
    }
    if (b.failed) {
      // Reactive Streams lets onError overtake buffered elements; pass it on at once.
      this.failStage(b.error);
      return;
    }
    if (this.isAvailable(this.out)) this.deliver();
    else if (b.count === 0 && b.completed) this.completeStage();
  }

  private takeSubscriptions(): void {
    const b = this.bridge;
    const offered = b.offered.splice(0);
    for (const s of offered) {
      if (this.subscription !== null) {
        s.cancel(); // rule 2.5: a second subscription is cancelled
        continue;
      }
      this.subscription = s;
      if (!b.terminated) {
        b.outstanding = b.window; // before request(): a synchronous publisher may deliver from inside it
        s.request(b.window);
      }
    }
  }

  onPull(): void {
    this.deliver();
  }

  private deliver(): void {
    const b = this.bridge;
    if (b.count > 0) {
      this.push(this.out, b.dequeue());
      if (++this.consumed >= this.batch && !b.terminated && this.subscription !== null) {
        const n = this.consumed;
        this.consumed = 0;
        b.outstanding += n;
        this.subscription.request(n);
      }
      if (b.count === 0 && b.completed) this.completeStage();
    } else if (b.completed) {
      this.completeStage();
    }
  }

  onDownstreamFinish(cause: unknown): void {
    this.cancelSubscription();
    this.cancelStage(cause ?? NoMoreElementsNeeded);
  }

  private cancelSubscription(): void {
    const b = this.bridge;
    b.stopped = true;
    const s = this.subscription;
    if (s !== null && !b.terminated) {
      this.subscription = null;
      s.cancel();
    }
  }

  override postStop(): void {
    const b = this.bridge;
    this.cancelSubscription();
    this.subscription = null;
    for (const s of b.offered.splice(0)) s.cancel();
    b.buf.fill(undefined);
    b.count = 0;
  }
}
