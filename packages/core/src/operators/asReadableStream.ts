/**
 * `StreamConverters.asReadableStream(strategy)`: the stream as a WHATWG `ReadableStream`.
 *
 * The web stream calls `pull()` only while its queue's `desiredSize > 0`; each call becomes at most one
 * pull upstream, and the element is enqueued when it arrives (which makes the web stream call `pull()`
 * again if it still wants more). Completion closes the stream, failure errors it, and `cancel()` on
 * the web stream cancels this stream.
 */
import { NoMoreElementsNeeded } from '../impl/GraphInterpreter.js';
import type { Attributes } from '../stage/Attributes.js';
import { type AsyncCallback, GraphStageLogic, type InHandler } from '../stage/GraphStageLogic.js';
import type { Inlet } from '../stage/Ports.js';
import type { SinkShape } from '../stage/Shape.js';
import { abrupt } from './reactiveStreamsInternals.js';
import { SinkStage } from './SinkStage.js';

const Name = 'StreamConverters.asReadableStream';

export class AsReadableStreamSink<T> extends SinkStage<T, ReadableStream<T>> {
  constructor(readonly strategy: QueuingStrategy<T> | undefined) {
    super('asReadableStream');
    if (strategy !== undefined && (strategy === null || typeof strategy !== 'object')) {
      throw new TypeError(`${Name}: strategy must be a QueuingStrategy object, got ${strategy === null ? 'null' : typeof strategy}`);
    }
  }
  createLogicAndMaterializedValue(_attributes: Attributes): [GraphStageLogic, ReadableStream<T>] {
    const bridge: Bridge<T> = { controller: null, demand: null, cancel: null };
    const stream = new ReadableStream<T>(
      {
        start(controller) {
          bridge.controller = controller;
        },
        pull() {
          bridge.demand!.invoke(undefined);
        },
        cancel(reason) {
          bridge.cancel!.invoke(reason);
        },
      },
      this.strategy ?? { highWaterMark: 1 },
    );
    return [new AsReadableStreamLogic<T>(this.shape, bridge), stream];
  }
}

interface Bridge<T> {
  controller: ReadableStreamDefaultController<T> | null;
  demand: AsyncCallback<undefined> | null;
  cancel: AsyncCallback<unknown> | null;
}

class AsReadableStreamLogic<T> extends GraphStageLogic implements InHandler {
  private readonly in: Inlet<T>;
  private done = false;
  /** The consumer cancelled the web stream: a reason it gave is not a failure anyone missed. */
  private cancelledByConsumer = false;

  constructor(
    shape: SinkShape<T>,
    private readonly bridge: Bridge<T>,
  ) {
    super(shape);
    this.in = shape.in;
    this.setHandler(shape.in, this);
    bridge.demand = this.getAsyncCallback(() => {
      if (!this.hasBeenPulled(this.in) && !this.isClosed(this.in)) this.pull(this.in);
    });
    bridge.cancel = this.getAsyncCallback((reason) => {
      this.done = true;
      this.cancelledByConsumer = true;
      this.cancelStage(reason ?? NoMoreElementsNeeded);
    });
  }

  onPush(): void {
    const c = this.bridge.controller!;
    c.enqueue(this.grab(this.in));
  }

  onUpstreamFinish(): void {
    this.done = true;
    this.bridge.controller!.close();
    this.completeStage();
  }

  onUpstreamFailure(error: unknown): void {
    this.done = true;
    this.bridge.controller!.error(error);
    this.failStage(error);
  }

  /** @internal Whether the failure is the consumer's own cancellation (see `RunningStream`). */
  _failureObserved(): boolean {
    return this.cancelledByConsumer;
  }

  override postStop(): void {
    if (this.done) return;
    try {
      this.bridge.controller?.error(abrupt(Name));
    } catch {
      // already closed or errored
    }
  }
}
