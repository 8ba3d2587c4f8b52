/**
 * `Sink.asPublisher(fanout)`: the stream's elements become a Reactive Streams `Publisher`.
 *
 * The stage keeps a ring buffer of `inputBuffer.max` elements, indexed by sequence number. Each
 * subscriber has a cursor into it; the oldest element some subscriber still needs is the buffer's
 * head. Upstream is pulled while the buffer has room, so with fan-out the fastest subscriber can be at
 * most a buffer ahead of the slowest, and nothing is pulled before the first subscriber arrives.
 *
 * - Completion reaches each subscriber after the elements it has not seen yet (the stage keeps going
 *   until every subscriber caught up).
 * - Failure is signalled to every subscriber at once, without waiting for demand (elements it has not
 *   received are not delivered: Reactive Streams lets `onError` overtake them).
 * - Non-fan-out: the first subscriber gets the stream; later ones get `onSubscribe` + `onError`.
 *   Cancelling cancels the stream.
 * - Fan-out: a subscriber that arrives later starts with the oldest element still buffered. When the
 *   last subscriber cancels, the stream is cancelled.
 * - Subscribers arriving after the stream ended get `onSubscribe` + the terminal signal.
 */

import { NoMoreElementsNeeded } from '../impl/GraphInterpreter.js';
import type { MaterializerImpl } from '../impl/MaterializerImpl.js';
import type { Publisher, Subscriber } from '../reactiveStreams.js';
import type { Attributes } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler } from '../stage/GraphStageLogic.js';
import {
  abrupt,
  BoundarySubscription,
  invalidDemandError,
  nullInStreamError,
  rejectSubscriber,
  type SubscriptionTarget,
  type TerminalSignal,
} from './reactiveStreamsInternals.js';
import { SinkStage } from './SinkStage.js';
import { requireBoolean } from './validate.js';

const Name = 'Sink.asPublisher';

export class AsPublisherSink<T> extends SinkStage<T, Publisher<T>> {
  constructor(readonly fanout: boolean) {
    super('asPublisher');
    requireBoolean(Name, 'fanout', fanout);
  }
  createLogicAndMaterializedValue(attributes: Attributes, materializer: MaterializerImpl): [GraphStageLogic, Publisher<T>] {
    const publisher = new StreamPublisher<T>(this.fanout, materializer);
    const logic = new AsPublisherLogic<T>(this, attributes, publisher);
    return [logic, publisher];
  }
}

/** The materialized publisher: validates calls, then hands subscribers to the stage (or answers them itself once the stream ended). */
class StreamPublisher<T> implements Publisher<T> {
  /** Set once the stage stopped: what late subscribers are told. */
  terminal: TerminalSignal | null = null;
  /** Subscribers handed to the stage but not yet registered by it (answered by postStop if it stops first). */
  readonly pending = new Set<BoundarySubscription<T>>();
  target!: SubscriptionTarget<T> & { readonly onSubscribe: { invoke(s: BoundarySubscription<T>): void } };
  private hadSubscriber = false;

  constructor(
    readonly fanout: boolean,
    private readonly materializer: MaterializerImpl,
  ) {}

  subscribe(subscriber: Subscriber<T>): void {
    if (subscriber == null) throw new TypeError(`${Name}: Rule 1.9: subscribe(${String(subscriber)}) — the subscriber must not be null or undefined`);
    if (!this.fanout && this.hadSubscriber) {
      rejectSubscriber(
        subscriber,
        { kind: 'error', error: new Error(`${Name}(fanout = false) supports only one subscriber; use Sink.asPublisher(true) to share the stream`) },
        this.report,
      );
      return;
    }
    this.hadSubscriber = true;
    if (this.terminal !== null) {
      rejectSubscriber(subscriber, this.terminal, this.report);
      return;
    }
    const s = new BoundarySubscription<T>(subscriber, this.target);
    this.pending.add(s);
    this.target.onSubscribe.invoke(s);
  }

  readonly report = (e: unknown): void => {
    this.materializer.logger?.(`${Name}: a subscriber threw from a signal method (violates Rule 2.13)`, e);
  };

  toString(): string {
    return `Publisher(${Name}(${this.fanout}))`;
  }
}

class AsPublisherLogic<T> extends GraphStageLogic implements InHandler {
  private readonly buf: (T | undefined)[];
  private readonly mask: number;
  /** Sequence number of the oldest element still buffered. */
  private headSeq = 0;
  /** Sequence number the next element gets. */
  private writeSeq = 0;
  private readonly subs: BoundarySubscription<T>[] = [];
  private upstreamCompleted = false;
  private final: TerminalSignal | null = null;
  private readonly fanout: boolean;
  /** Whether a subscriber got `onError`: it is where the stream's failure is looked at. */
  private failureDelivered = false;

  constructor(
    private readonly stage: AsPublisherSink<T>,
    attributes: Attributes,
    private readonly publisher: StreamPublisher<T>,
  ) {
    super(stage.shape);
    this.fanout = stage.fanout;
    const size = attributes.inputBuffer.max;
    let cap = 1;
    while (cap < size) cap <<= 1;
    this.buf = new Array<T | undefined>(cap);
    this.mask = cap - 1;
    this.setHandler(stage.in, this);
    publisher.target = {
      onSubscribe: this.getAsyncCallback((s: BoundarySubscription<T>) => this.register(s)),
      onRequest: this.getAsyncCallback((s: BoundarySubscription<T>) => this.request(s)),
      onCancel: this.getAsyncCallback((s: BoundarySubscription<T>) => this.cancelled(s)),
    };
  }

  // ───────────────────────────── subscribers ─────────────────────────────

  private register(s: BoundarySubscription<T>): void {
    this.publisher.pending.delete(s);
    const subscriber = s.subscriber;
    if (subscriber === null) return; // cancelled before it was even registered
    s.cursor = this.headSeq;
    s.subscribed = true;
    this.subs.push(s);
    try {
      subscriber.onSubscribe(s);
    } catch (e) {
      this.subscriberThrew(s, e);
      return;
    }
    if (s.subscriber !== null) this.deliver(s);
    this.afterDelivery();
  }

  private request(s: BoundarySubscription<T>): void {
    if (s.subscriber === null || !s.subscribed) return;
    if (!s.takeDemand()) {
      const subscriber = s.subscriber;
      const error = invalidDemandError(Name, s.invalidRequest);
      this.remove(s);
      this.failureDelivered = true;
      try {
        subscriber.onError(error);
      } catch (e) {
        this.publisher.report(e);
      }
      this.afterRemoval(error);
      return;
    }
    this.deliver(s);
    this.afterDelivery();
  }

  private cancelled(s: BoundarySubscription<T>): void {
    if (!this.subs.includes(s)) return;
    this.remove(s);
    this.afterRemoval(NoMoreElementsNeeded);
  }

  private remove(s: BoundarySubscription<T>): void {
    const i = this.subs.indexOf(s);
    if (i >= 0) this.subs.splice(i, 1);
    s.subscriber = null;
  }

  /** A subscriber left (cancel, invalid request, or it threw): the stream may no longer be needed. */
  private afterRemoval(cause: unknown): void {
    if (this.isClosed(this.stage.in)) {
      this.afterDelivery();
      return;
    }
    if (!this.fanout || this.subs.length === 0) {
      this.final = { kind: 'error', error: new Error(`${Name}: the stream was cancelled by its subscriber${this.fanout ? 's' : ''}`) };
      this.cancelStage(cause);
      return;
    }
    this.updateHead();
    this.maybePull();
  }

  /**
   * A subscriber threw from a signal method: that violates rule 2.13, and it is treated as having
   * cancelled, with the thrown error as the cause.
   */
  private subscriberThrew(s: BoundarySubscription<T>, e: unknown): void {
    this.publisher.report(e);
    if (this.subs.includes(s)) {
      this.remove(s);
      this.afterRemoval(e);
    }
    s.subscriber = null;
  }

  // ───────────────────────────── elements ─────────────────────────────

  onPush(): void {
    const x = this.grab(this.stage.in);
    if (x == null) {
      const error = nullInStreamError(Name, x);
      this.final = { kind: 'error', error };
      this.failStage(error);
      return;
    }
    this.buf[this.writeSeq & this.mask] = x;
    this.writeSeq++;
    // Backwards: a subscriber that throws is removed from the list while we walk it.
    const subs = this.subs;
    for (let i = subs.length - 1; i >= 0; i--) {
      const s = subs[i];
      if (s !== undefined && s.demand > 0 && s.subscriber !== null) this.deliver(s);
    }
    this.afterDelivery();
  }

  onUpstreamFinish(): void {
    this.upstreamCompleted = true;
    this.final = { kind: 'complete' };
    this.setKeepGoing(true);
    const subs = [...this.subs];
    for (const s of subs) if (s.subscriber !== null) this.deliver(s);
    this.afterDelivery();
  }

  onUpstreamFailure(error: unknown): void {
    this.final = { kind: 'error', error };
    this.failStage(error);
  }

  /** Sends `s` what it asked for and has not seen; completes it if it caught up with a completed stream. */
  private deliver(s: BoundarySubscription<T>): void {
    const buf = this.buf;
    const mask = this.mask;
    while (s.demand > 0 && s.cursor < this.writeSeq) {
      const subscriber = s.subscriber;
      if (subscriber === null) return;
      const x = buf[s.cursor & mask] as T;
      s.cursor++;
      if (s.demand !== Infinity) s.demand--;
      try {
        subscriber.onNext(x);
      } catch (e) {
        this.subscriberThrew(s, e);
        return;
      }
    }
    if (this.upstreamCompleted && s.cursor === this.writeSeq && s.subscriber !== null) {
      const subscriber = s.subscriber;
      this.remove(s);
      try {
        subscriber.onComplete();
      } catch (e) {
        this.publisher.report(e);
      }
    }
  }

  private afterDelivery(): void {
    if (this.upstreamCompleted) {
      // Every subscriber that caught up was completed by deliver(); stop once none is left waiting.
      // (Nothing is pulled before the first subscriber, so no element can be waiting for a late one.)
      if (this.subs.length === 0) this.setKeepGoing(false);
      return;
    }
    this.updateHead();
    this.maybePull();
  }

  /** Drops the elements every subscriber has seen (releasing them for GC). */
  private updateHead(): void {
    const subs = this.subs;
    if (subs.length === 0) return;
    let min = this.writeSeq;
    for (let i = 0; i < subs.length; i++) if (subs[i]!.cursor < min) min = subs[i]!.cursor;
    for (let q = this.headSeq; q < min; q++) this.buf[q & this.mask] = undefined;
    this.headSeq = min;
  }

  private maybePull(): void {
    const inlet = this.stage.in;
    if (this.subs.length > 0 && this.writeSeq - this.headSeq <= this.mask && !this.hasBeenPulled(inlet) && !this.isClosed(inlet)) this.pull(inlet);
  }

  /** @internal A failure a subscriber received through `onError` is not logged again. */
  _failureObserved(): boolean {
    return this.failureDelivered;
  }

  override postStop(): void {
    const terminal: TerminalSignal = this.final ?? { kind: 'error', error: abrupt(Name) };
    this.publisher.terminal = terminal;
    const waiting = [...this.subs, ...this.publisher.pending];
    this.subs.length = 0;
    this.publisher.pending.clear();
    for (const s of waiting) {
      const subscriber = s.subscriber;
      if (subscriber === null) continue;
      s.subscriber = null;
      if (s.subscribed) {
        try {
          if (terminal.kind === 'complete') subscriber.onComplete();
          else {
            this.failureDelivered = true;
            subscriber.onError(terminal.error);
          }
        } catch (e) {
          this.publisher.report(e);
        }
      } else {
        rejectSubscriber(subscriber, terminal, this.publisher.report);
      }
    }
    this.buf.fill(undefined);
  }
}
