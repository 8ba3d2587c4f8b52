/**
 * `StreamConverters.fromWritableStream(create)`: a sink writing into a WHATWG `WritableStream`.
 *
 * The stage pulls only while the writer's `desiredSize > 0`, and otherwise waits for `writer.ready`, so
 * the web stream's queue never grows beyond its high-water mark. Completion closes the writer (the
 * materialized promise resolves when the close is done); a stream failure aborts it; a failed write or
 * an errored stream fails this stream and cancels upstream.
 */
import type { Attributes } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler } from '../stage/GraphStageLogic.js';
import type { Inlet } from '../stage/Ports.js';
import type { SinkShape } from '../stage/Shape.js';
import { abrupt } from './reactiveStreamsInternals.js';
import { type Deferred, deferred, SinkStage } from './SinkStage.js';
import { requireFunction } from './validate.js';

const Name = 'StreamConverters.fromWritableStream';

export class FromWritableStreamSink<T> extends SinkStage<T, Promise<void>> {
  constructor(readonly create: () => WritableStream<T>) {
    super('fromWritableStream');
    requireFunction(Name, 'create', create);
  }
  createLogicAndMaterializedValue(_attributes: Attributes): [GraphStageLogic, Promise<void>] {
    const d = deferred<void>();
    return [new FromWritableStreamLogic<T>(this.shape, this.create, d), d.promise];
  }
}

class FromWritableStreamLogic<T> extends GraphStageLogic implements InHandler {
  private writer: WritableStreamDefaultWriter<T> | null = null;
  private readonly in: Inlet<T>;
  private waitingReady = false;
  private settled = false;
  private closed = false;
  private readonly onReady: () => void;
  private readonly onFailure: (e: unknown) => void;
  private readonly onClosed: () => void;

  constructor(
    shape: SinkShape<T>,
    private readonly create: () => WritableStream<T>,
    private readonly result: Deferred<void>,
  ) {
    super(shape);
    this.in = shape.in;
    this.setHandler(shape.in, this);
    const ready = this.getAsyncCallback(() => {
      this.waitingReady = false;
      this.pullWhenReady();
    });
    const failure = this.getAsyncCallback((e: unknown) => this.failWith(e));
    const closed = this.getAsyncCallback(() => {
      this.closed = true;
      this.settle();
      this.completeStage();
    });
    this.onReady = () => ready.invoke(undefined);
    this.onFailure = (e) => failure.invoke(e);
    this.onClosed = () => closed.invoke(undefined);
  }

  override preStart(): void {
    const stream = this.create();
    if (stream === null || typeof stream !== 'object' || typeof (stream as Partial<WritableStream<T>>).getWriter !== 'function') {
      throw new TypeError(`${Name}: the factory must return a WritableStream, got ${stream === null ? 'null' : typeof stream}`);
    }
    const writer = stream.getWriter();
    this.writer = writer;
    writer.closed.catch(this.onFailure);
    this.pullWhenReady();
  }

  /** Pulls if the writer wants more (`desiredSize > 0`), else waits for `writer.ready`. */
  private pullWhenReady(): void {
    if (this.isClosed(this.in) || this.hasBeenPulled(this.in)) return;
    const size = this.writer!.desiredSize;
    if (size === null) return; // errored or closing: `closed` tells the rest
    if (size > 0) this.pull(this.in);
    else if (!this.waitingReady) {
      this.waitingReady = true;
      this.writer!.ready.then(this.onReady, this.onFailure);
    }
  }

  onPush(): void {
    this.writer!.write(this.grab(this.in)).catch(this.onFailure);
    this.pullWhenReady();
  }

  onUpstreamFinish(): void {
    this.setKeepGoing(true); // until the close completed
    this.writer!.close().then(this.onClosed, this.onFailure);
  }

  onUpstreamFailure(error: unknown): void {
    this.writer!.abort(error).catch(() => {});
    this.failWith(error);
  }

  private failWith(error: unknown): void {
    if (!this.settled) {
      this.settled = true;
      this.result.reject(error);
    }
    this.failStage(error);
  }

  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    this.result.resolve();
  }

  override postStop(): void {
    if (!this.settled) {
      this.settled = true;
      const e = abrupt(Name);
      this.result.reject(e);
      if (!this.closed) this.writer?.abort(e).catch(() => {});
    }
  }
}
