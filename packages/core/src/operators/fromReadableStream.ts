/**
 * `StreamConverters.fromReadableStream(create)`: a WHATWG `ReadableStream` as a source.
 *
 * One `reader.read()` is in flight per downstream pull, so the stream's own queuing strategy decides
 * how much its underlying source produces ahead (it pulls only while `desiredSize > 0`). Cancelling
 * cancels the reader, which cancels the underlying source.
 */
import { type AsyncCallback, GraphStageLogic, type OutHandler } from '../stage/GraphStageLogic.js';
import type { Outlet } from '../stage/Ports.js';
import type { SourceShape } from '../stage/Shape.js';
import { failureCause } from './nodeStreamInternals.js';
import { SourceStage } from './SourceStage.js';
import { requireFunction } from './validate.js';

const Name = 'StreamConverters.fromReadableStream';

type ReadResult<T> = { readonly done: true; readonly value?: T | undefined } | { readonly done: false; readonly value: T };

export class FromReadableStreamSource<T> extends SourceStage<T> {
  constructor(readonly create: () => ReadableStream<T>) {
    super('fromReadableStream');
    requireFunction(Name, 'create', create);
  }
  createLogic(): GraphStageLogic {
    return new FromReadableStreamLogic<T>(this.shape, this.create);
  }
}

class FromReadableStreamLogic<T> extends GraphStageLogic implements OutHandler {
  private reader: ReadableStreamDefaultReader<T> | null = null;
  private finished = false;
  private cancelCause: unknown = undefined;
  private readonly out: Outlet<T>;
  private readonly onResult: AsyncCallback<ReadResult<T>>;
  private readonly onError: AsyncCallback<unknown>;
  private readonly resultHandler: (r: ReadResult<T>) => void;
  private readonly errorHandler: (e: unknown) => void;

  constructor(
    shape: SourceShape<T>,
    private readonly create: () => ReadableStream<T>,
  ) {
    super(shape);
    this.out = shape.out;
    this.setHandler(shape.out, this);
    this.onResult = this.getAsyncCallback((r) => {
      if (r.done) {
        this.finished = true;
        this.completeStage();
      } else {
        this.push(this.out, r.value);
      }
    });
    this.onError = this.getAsyncCallback((e) => {
      this.finished = true;
      this.failStage(e);
    });
    this.resultHandler = (r) => this.onResult.invoke(r);
    this.errorHandler = (e) => this.onError.invoke(e);
  }

  override preStart(): void {
    const stream = this.create();
    if (stream === null || typeof stream !== 'object' || typeof (stream as Partial<ReadableStream<T>>).getReader !== 'function') {
      throw new TypeError(`${Name}: the factory must return a ReadableStream, got ${stream === null ? 'null' : typeof stream}`);
    }
    this.reader = stream.getReader();
  }

  onPull(): void {
    this.reader!.read().then(this.resultHandler, this.errorHandler);
  }

  onDownstreamFinish(cause: unknown): void {
    this.cancelCause = failureCause(cause);
    this.cancelStage(cause);
  }

  override postStop(): void {
    const reader = this.reader;
    if (reader !== null && !this.finished) reader.cancel(this.cancelCause).catch(() => {});
  }
}
