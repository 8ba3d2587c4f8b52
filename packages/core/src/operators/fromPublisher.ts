import type { Publisher } from '../reactiveStreams.js';
import type { Attributes } from '../stage/Attributes.js';
import type { GraphStageLogic } from '../stage/GraphStageLogic.js';
import { SourceStage } from './SourceStage.js';
import { BridgeSubscriber, SubscriberBridgeLogic } from './subscriberInternals.js';
import { describe } from './validate.js';

/**
 * `Source.fromPublisher(publisher)`: each materialization subscribes to `publisher` when the stream
 * starts and requests elements in batches of the input buffer (see subscriberInternals.ts).
 */
export class FromPublisherSource<T> extends SourceStage<T> {
  constructor(readonly publisher: Publisher<T>) {
    super('fromPublisher');
    if (publisher == null || typeof (publisher as Partial<Publisher<T>>).subscribe !== 'function') {
      throw new TypeError(`Source.fromPublisher: publisher must be a Reactive Streams Publisher (an object with subscribe()), got ${describe(publisher)}`);
    }
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    const bridge = new BridgeSubscriber<T>('Source.fromPublisher', SubscriberBridgeLogic.windowOf(attributes));
    const publisher = this.publisher;
    return new SubscriberBridgeLogic<T>(this.shape, bridge, (s) => publisher.subscribe(s));
  }
}
