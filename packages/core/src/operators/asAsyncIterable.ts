/**
 * `Sink.asAsyncIterable()`: the stream becomes an async iterator for `for await`.
 *
 * Each `next()` asks the stage for exactly one element (one pull); nothing is read ahead, so a consumer
 * that iterates slowly slows the whole stream down. `return()` (what `break` calls) cancels the stream.
 * A failure rejects the pending (or next) `next()` with the stream's original error.
 */
import { NoMoreElementsNeeded } from '../impl/GraphInterpreter.js';
import type { Attributes } from '../stage/Attributes.js';
import { type AsyncCallback, GraphStageLogic, type InHandler } from '../stage/GraphStageLogic.js';
import type { Inlet } from '../stage/Ports.js';
import type { SinkShape } from '../stage/Shape.js';
import { abrupt } from './reactiveStreamsInternals.js';
import { SinkStage } from './SinkStage.js';

const Name = 'Sink.asAsyncIterable';

export class AsAsyncIterableSink<T> extends SinkStage<T, AsyncIterableIterator<T>> {
  constructor() {
    super('asAsyncIterable');
  }
  createLogicAndMaterializedValue(_attributes: Attributes): [GraphStageLogic, AsyncIterableIterator<T>] {
    const iterator = new StreamIterator<T>();
    return [new AsAsyncIterableLogic<T>(this.shape, iterator), iterator];
  }
}

interface Waiter<T> {
  resolve(r: IteratorResult<T>): void;
  reject(e: unknown): void;
}

const Done: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined }) as IteratorReturnResult<undefined>;

/** The materialized iterator. Its state is shared with the stage; the stage is reached only through async callbacks. */
class StreamIterator<T> implements AsyncIterableIterator<T> {
  readonly waiting: Waiter<T>[] = [];
  /** Set when the stream ended: `Done`, or an error not yet reported to the consumer. */
  ended = false;
  error: unknown = undefined;
  hasError = false;
  /** Whether the stream's failure was handed to a caller of `next()` (a `for await` loop sees it). */
  failureDelivered = false;
  pull!: AsyncCallback<undefined>;
  cancel!: AsyncCallback<undefined>;

  next(): Promise<IteratorResult<T>> {
    if (this.ended) {
      if (this.hasError) {
        this.hasError = false;
        const e = this.error;
        this.error = undefined;
        this.failureDelivered = true;
        return Promise.reject(e);
      }
      return Promise.resolve(Done);
    }
    return new Promise<IteratorResult<T>>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.pull.invoke(undefined);
    });
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.ended) {
      this.ended = true;
      this.cancel.invoke(undefined);
      this.settleWaiting();
    }
    this.hasError = false;
    this.error = undefined;
    return Promise.resolve(Done);
  }

  /** Called by the stage (or by `return`) once the stream ended. */
  settleWaiting(): void {
    const waiting = this.waiting.splice(0);
    for (const w of waiting) {
      if (this.hasError) {
        this.hasError = false;
        this.failureDelivered = true;
        w.reject(this.error);
        this.error = undefined;
      } else {
        w.resolve(Done);
      }
    }
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  toString(): string {
    return `AsyncIterator(${Name})`;
  }
}

class AsAsyncIterableLogic<T> extends GraphStageLogic implements InHandler {
  private readonly in: Inlet<T>;

  constructor(
    shape: SinkShape<T>,
    private readonly iterator: StreamIterator<T>,
  ) {
    super(shape);
    this.in = shape.in;
    this.setHandler(shape.in, this);
    iterator.pull = this.getAsyncCallback(() => this.pullIfWanted());
    iterator.cancel = this.getAsyncCallback(() => this.cancelStage(NoMoreElementsNeeded));
  }

  private pullIfWanted(): void {
    if (this.iterator.waiting.length > 0 && !this.hasBeenPulled(this.in) && !this.isClosed(this.in)) this.pull(this.in);
  }

  onPush(): void {
    const x = this.grab(this.in);
    const w = this.iterator.waiting.shift();
    // A pull is only made for a waiting next(), and return() settles waiters only after ending the iterator.
    if (w !== undefined) w.resolve({ done: false, value: x });
    this.pullIfWanted();
  }

  onUpstreamFinish(): void {
    this.end(false, undefined);
    this.completeStage();
  }

  onUpstreamFailure(error: unknown): void {
    this.end(true, error);
    this.failStage(error);
  }

  private end(failed: boolean, error: unknown): void {
    const it = this.iterator;
    if (it.ended) return;
    it.ended = true;
    it.hasError = failed;
    it.error = error;
    it.settleWaiting();
  }

  /** @internal A failure that a `for await` loop (or any caller of `next()`) received is not logged. */
  _failureObserved(): boolean {
    return this.iterator.failureDelivered;
  }

  override postStop(): void {
    this.end(true, abrupt(Name));
  }
}
