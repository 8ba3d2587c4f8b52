import type { Subscriber } from '../reactiveStreams.js';
import type { Attributes } from '../stage/Attributes.js';
import type { GraphStageLogic } from '../stage/GraphStageLogic.js';
import { SourceStageWithMat } from './SourceStage.js';
import { BridgeSubscriber, SubscriberBridgeLogic } from './subscriberInternals.js';

/**
 * `Source.asSubscriber()`: materializes a Reactive Streams `Subscriber`; whatever publisher it is
 * subscribed to feeds the stream. Demand goes to the publisher in batches (see subscriberInternals.ts).
 */
export class AsSubscriberSource<T> extends SourceStageWithMat<T, Subscriber<T>> {
  constructor() {
    super('asSubscriber');
  }
  createLogicAndMaterializedValue(attributes: Attributes): [GraphStageLogic, Subscriber<T>] {
    const bridge = new BridgeSubscriber<T>('Source.asSubscriber', SubscriberBridgeLogic.windowOf(attributes));
    return [new SubscriberBridgeLogic<T>(this.shape, bridge, null), bridge];
  }
}
