/**
 * `Sink.fromSubscriber(subscriber)`: the stream publishes to one Reactive Streams `Subscriber`.
 *
 * When the stream starts, the subscriber gets `onSubscribe`; the stage pulls only while the subscriber
 * has outstanding demand. Completion and failure of the stream become `onComplete`/`onError`; `cancel()`
 * cancels the stream. Calls from the subscriber only record and wake the stage (see
 * reactiveStreamsInternals.ts), so `request` from within `onNext` never recurses (rule 3.3).
 */
import { NoMoreElementsNeeded } from '../impl/GraphInterpreter.js';
import type { Subscriber } from '../reactiveStreams.js';
import type { Attributes } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler } from '../stage/GraphStageLogic.js';
import type { Inlet } from '../stage/Ports.js';
import type { SinkShape } from '../stage/Shape.js';
import { abrupt, BoundarySubscription, invalidDemandError, nullInStreamError } from './reactiveStreamsInternals.js';
import { SinkStage } from './SinkStage.js';
import { describe } from './validate.js';

const Name = 'Sink.fromSubscriber';

export class FromSubscriberSink<T> extends SinkStage<T, undefined> {
  constructor(readonly subscriber: Subscriber<T>) {
    super('fromSubscriber');
    if (subscriber == null || typeof (subscriber as Partial<Subscriber<T>>).onSubscribe !== 'function') {
      throw new TypeError(`${Name}: Rule 1.9: subscriber must be a Reactive Streams Subscriber, got ${describe(subscriber)}`);
    }
  }
  createLogicAndMaterializedValue(_attributes: Attributes): [GraphStageLogic, undefined] {
    return [new FromSubscriberLogic<T>(this.shape, this.subscriber), undefined];
  }
}

class FromSubscriberLogic<T> extends GraphStageLogic implements InHandler {
  private readonly subscription: BoundarySubscription<T>;
  private terminated = false;
  private failureDelivered = false;

  private readonly in: Inlet<T>;

  constructor(shape: SinkShape<T>, subscriber: Subscriber<T>) {
    super(shape);
    this.in = shape.in;
    this.setHandler(shape.in, this);
    this.subscription = new BoundarySubscription<T>(subscriber, {
      onRequest: this.getAsyncCallback(() => this.onRequest()),
      onCancel: this.getAsyncCallback(() => this.cancelStage(NoMoreElementsNeeded)),
    });
  }

  override preStart(): void {
    const s = this.subscription;
    const subscriber = s.subscriber!;
    s.subscribed = true;
    try {
      subscriber.onSubscribe(s);
    } catch (e) {
      this.subscriberThrew(e);
    }
  }

  private onRequest(): void {
    const s = this.subscription;
    const subscriber = s.subscriber;
    if (subscriber === null || this.terminated) return;
    if (!s.takeDemand()) {
      const error = invalidDemandError(Name, s.invalidRequest);
      this.terminated = true;
      this.failureDelivered = true;
      s.subscriber = null;
      try {
        subscriber.onError(error);
      } catch (e) {
        this.report(e);
      }
      this.cancelStage(error);
      return;
    }
    if (s.demand > 0 && !this.hasBeenPulled(this.in) && !this.isClosed(this.in)) this.pull(this.in);
  }

  onPush(): void {
    const x = this.grab(this.in);
    const s = this.subscription;
    const subscriber = s.subscriber;
    if (subscriber === null) return; // cancelled; the cancellation is on its way
    if (x == null) {
      this.failWith(nullInStreamError(Name, x));
      return;
    }
    if (s.demand !== Infinity) s.demand--;
    try {
      subscriber.onNext(x);
    } catch (e) {
      this.subscriberThrew(e);
      return;
    }
    if (s.demand > 0 && s.subscriber !== null) this.pull(this.in);
  }

  onUpstreamFinish(): void {
    const subscriber = this.subscription.subscriber;
    this.terminated = true;
    this.subscription.subscriber = null;
    if (subscriber !== null) {
      try {
        subscriber.onComplete();
      } catch (e) {
        this.report(e);
      }
    }
    this.completeStage();
  }

  onUpstreamFailure(error: unknown): void {
    this.failWith(error);
  }

  /** @internal The subscriber's `onError` is where the stream's failure is looked at: not logged again. */
  _failureObserved(): boolean {
    return this.failureDelivered;
  }

  private failWith(error: unknown): void {
    const subscriber = this.subscription.subscriber;
    this.terminated = true;
    this.subscription.subscriber = null;
    if (subscriber !== null) {
      this.failureDelivered = true;
      try {
        subscriber.onError(error);
      } catch (e) {
        this.report(e);
      }
    }
    this.failStage(error);
  }

  /** A subscriber that throws violates rule 2.13: the subscription is considered cancelled, with that cause. */
  private subscriberThrew(e: unknown): void {
    this.report(e);
    this.terminated = true;
    this.subscription.subscriber = null;
    this.cancelStage(e);
  }

  private report(e: unknown): void {
    this.materializer.logger?.(`${Name}: the subscriber threw from a signal method (violates Rule 2.13)`, e);
  }

  override postStop(): void {
    const subscriber = this.subscription.subscriber;
    this.subscription.subscriber = null;
    if (subscriber !== null && !this.terminated && !this.subscription.cancelled) {
      try {
        subscriber.onError(abrupt(Name));
      } catch (e) {
        this.report(e);
      }
    }
  }
}
