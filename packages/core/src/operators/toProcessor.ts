import type { Processor, Publisher, Subscriber, Subscription } from '../reactiveStreams.js';

/**
 * The processor materialized by `Flow.toProcessor()`: its subscriber side is a `Source.asSubscriber()`
 * and its publisher side a `Sink.asPublisher(fanout)`, with the flow running in between. Each side obeys
 * the rules of its own boundary; this object only puts the two faces together.
 */
export class FlowProcessor<I, O> implements Processor<I, O> {
  constructor(
    private readonly subscriber: Subscriber<I>,
    private readonly publisher: Publisher<O>,
  ) {}
  onSubscribe(subscription: Subscription): void {
    this.subscriber.onSubscribe(subscription);
  }
  onNext(element: I): void {
    this.subscriber.onNext(element);
  }
  onError(error: unknown): void {
    this.subscriber.onError(error);
  }
  onComplete(): void {
    this.subscriber.onComplete();
  }
  subscribe(subscriber: Subscriber<O>): void {
    this.publisher.subscribe(subscriber);
  }
  toString(): string {
    return 'Processor(Flow.toProcessor)';
  }
}
