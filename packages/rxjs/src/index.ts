/**
 * `@tributary/rxjs` — RxJS interop.
 *
 * An `Observable` pushes: it has no way to be told "not now". So the bridge into a stream
 * (`fromObservable`) needs a bounded buffer and an explicit policy for what happens when it is full —
 * there is no silent default. The bridge out (`toObservable`) is cold: every subscription runs the
 * source afresh, and unsubscribing cancels that run.
 *
 * @module @tributary/rxjs
 */
import { BufferOverflowError, Materializer, OverflowStrategy, Sink, Source } from '@tributary/core';
import {
  type AsyncCallback,
  GraphStage,
  GraphStageLogic,
  GraphStageWithMaterializedValue,
  type InHandler,
  Inlet,
  NoMoreElementsNeeded,
  type OutHandler,
  Outlet,
  SinkShape,
  SourceShape,
} from '@tributary/core/stage';
import { Observable, type Subscribable, type Subscriber as RxSubscriber, type Unsubscribable } from 'rxjs';

export { OverflowStrategy, BufferOverflowError };

/** The strategies `fromObservable` accepts: every `OverflowStrategy` except `backpressure`. */
export type ObservableOverflowStrategy = Exclude<OverflowStrategy, 'backpressure'>;

const FromName = 'fromObservable';

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : String(v);
}

/**
 * A source of the values of `observable`, subscribed afresh by each materialization when the stream
 * starts. Values are held in a buffer of `bufferSize` until downstream pulls; when a value arrives and
 * the buffer is full, `overflowStrategy` decides:
 *
 * - `dropHead`: drop the oldest buffered value; `dropTail`: drop the youngest buffered value;
 * - `dropBuffer`: drop every buffered value; `dropNew`: drop the arriving value;
 * - `fail`: fail the stream with a `BufferOverflowError` (and unsubscribe).
 *
 * `backpressure` is rejected: an Observable cannot be asked to wait, so there is nothing to
 * backpressure — choosing it would only hide unbounded buffering.
 *
 * - **Emits when** a value is buffered and downstream pulls.
 * - **Backpressures when** never: the Observable cannot be slowed down (the strategy applies instead).
 * - **Completes when** the Observable completes and the buffered values went out.
 * - **Fails when** the Observable errors (after the buffered values went out), or on overflow with `fail`.
 * - **Cancels when** downstream cancels: the subscription is unsubscribed.
 *
 * @example fromObservable(fromEvent(socket, 'message'), 1024, OverflowStrategy.dropHead).runWith(sink)
 */
export function fromObservable<T>(observable: Observable<T> | Subscribable<T>, bufferSize: number, overflowStrategy: OverflowStrategy): Source<T> {
  if (observable == null || typeof (observable as Partial<Subscribable<T>>).subscribe !== 'function') {
    throw new TypeError(`${FromName}: observable must be an Observable (an object with subscribe()), got ${describe(observable)}`);
  }
  if (typeof bufferSize !== 'number' || !Number.isInteger(bufferSize) || bufferSize <= 0) {
    throw new RangeError(`${FromName}: bufferSize must be a positive integer, got ${describe(bufferSize)}`);
  }
  if (overflowStrategy === OverflowStrategy.backpressure) {
    throw new TypeError(
      `${FromName}: OverflowStrategy.backpressure is not possible: an Observable pushes values and cannot be asked to wait. ` +
        'Choose what happens when the buffer is full: dropHead, dropTail, dropBuffer, dropNew or fail.',
    );
  }
  const strategies: readonly string[] = [
    OverflowStrategy.dropHead,
    OverflowStrategy.dropTail,
    OverflowStrategy.dropBuffer,
    OverflowStrategy.dropNew,
    OverflowStrategy.fail,
  ];
  if (typeof overflowStrategy !== 'string' || !strategies.includes(overflowStrategy)) {
    throw new TypeError(`${FromName}: overflowStrategy must be one of OverflowStrategy.${strategies.join(' | ')}, got ${describe(overflowStrategy)}`);
  }
  return Source.fromGraph(new FromObservableStage<T>(observable, bufferSize, overflowStrategy as ObservableOverflowStrategy));
}

/**
 * The buffer between the Observable (which writes from outside the stream, whenever it likes) and the
 * stage (which reads inside its island). The observer applies the overflow strategy on arrival, so the
 * buffer is bounded no matter how fast values come — even a synchronous burst inside `subscribe` — and
 * it wakes the stage at most once per batch.
 */
class ObservableBuffer<T> {
  readonly buf: (T | undefined)[];
  head = 0;
  count = 0;
  completed = false;
  failed = false;
  error: unknown = undefined;
  overflowed = false;
  stopped = false;
  signalled = false;
  wake: AsyncCallback<undefined> | null = null;

  constructor(
    readonly size: number,
    private readonly strategy: ObservableOverflowStrategy,
  ) {
    this.buf = new Array<T | undefined>(size);
  }

  offer(x: T): void {
    if (this.stopped || this.completed || this.failed || this.overflowed) return;
    const size = this.size;
    if (this.count === size) {
      switch (this.strategy) {
        case 'dropNew':
          return;
        case 'dropHead':
          this.buf[this.head] = undefined;
          this.head = (this.head + 1) % size;
          this.count--;
          break;
        case 'dropTail':
          this.buf[(this.head + this.count - 1) % size] = undefined;
          this.count--;
          break;
        case 'dropBuffer':
          this.buf.fill(undefined);
          this.head = 0;
          this.count = 0;
          break;
        case 'fail':
          this.overflowed = true;
          this.signal();
          return;
      }
    }
    this.buf[(this.head + this.count) % size] = x;
    this.count++;
    this.signal();
  }

  dequeue(): T {
    const x = this.buf[this.head] as T;
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) % this.size;
    this.count--;
    return x;
  }

  signal(): void {
    if (this.signalled || this.stopped || this.wake === null) return;
    this.signalled = true;
    this.wake.invoke(undefined);
  }
}

class FromObservableStage<T> extends GraphStage<SourceShape<T>> {
  readonly out = new Outlet<T>('FromObservableSource.out');
  readonly shape = new SourceShape(this.out);
  constructor(
    private readonly observable: Subscribable<T>,
    private readonly bufferSize: number,
    private readonly strategy: ObservableOverflowStrategy,
  ) {
    super();
  }
  override get defaultName(): string {
    return FromName;
  }
  createLogic(): GraphStageLogic {
    const out = this.out;
    const observable = this.observable;
    const buffer = new ObservableBuffer<T>(this.bufferSize, this.strategy);
    const size = this.bufferSize;
    return new (class extends GraphStageLogic implements OutHandler {
      private subscription: Unsubscribable | null = null;
      constructor(shape: SourceShape<T>) {
        super(shape);
        this.setHandler(out, this);
        buffer.wake = this.getAsyncCallback(() => {
          buffer.signalled = false;
          if (buffer.overflowed) {
            this.failStage(new BufferOverflowError(size, this.stageName));
            return;
          }
          if (this.isAvailable(out)) this.onPull();
          else if (buffer.count === 0) this.finishIfDone();
        });
      }
      override preStart(): void {
        this.subscription = observable.subscribe({
          next: (x: T) => buffer.offer(x),
          error: (e: unknown) => {
            if (buffer.completed || buffer.failed) return;
            buffer.failed = true;
            buffer.error = e;
            buffer.signal();
          },
          complete: () => {
            if (buffer.completed || buffer.failed) return;
            buffer.completed = true;
            buffer.signal();
          },
        });
      }
      onPull(): void {
        if (buffer.count > 0) this.push(out, buffer.dequeue());
        if (buffer.count === 0) this.finishIfDone();
      }
      private finishIfDone(): void {
        if (buffer.failed) this.failStage(buffer.error);
        else if (buffer.completed) this.completeStage();
      }
      private unsubscribe(): void {
        const s = this.subscription;
        this.subscription = null;
        s?.unsubscribe();
      }
      override postStop(): void {
        buffer.stopped = true;
        buffer.buf.fill(undefined);
        buffer.count = 0;
        this.unsubscribe();
      }
    })(this.shape);
  }
}

/**
 * A cold `Observable` of the source's elements: each subscription materializes the source (on
 * `materializer`, the default one if omitted) and requests elements as fast as it can deliver them (an
 * Observer cannot signal demand; `next` is called synchronously). Completion and failure become
 * `complete()`/`error()`; unsubscribing cancels that materialization.
 *
 * @example toObservable(Source.range(1, 3)).subscribe((x) => console.log(x));
 */
export function toObservable<T>(source: Source<T, unknown>, materializer?: Materializer): Observable<T> {
  if (!(source instanceof Source)) throw new TypeError(`toObservable: source must be a Source, got ${describe(source)}`);
  return new Observable<T>((subscriber) => {
    const cancel = source.runWith(Sink.fromGraph(new ObserverSink<T>(subscriber)), materializer ?? Materializer.default);
    return () => cancel.invoke(undefined);
  });
}

/** The sink behind `toObservable`: pulls as fast as it can and hands each element to the Rx subscriber. */
class ObserverSink<T> extends GraphStageWithMaterializedValue<SinkShape<T>, { invoke(v: undefined): void }> {
  readonly in = new Inlet<T>('ToObservableSink.in');
  readonly shape = new SinkShape(this.in);
  constructor(private readonly subscriber: RxSubscriber<T>) {
    super();
  }
  override get defaultName(): string {
    return 'toObservable';
  }
  createLogicAndMaterializedValue(): [GraphStageLogic, { invoke(v: undefined): void }] {
    const inlet = this.in;
    const subscriber = this.subscriber;
    const logic = new (class extends GraphStageLogic implements InHandler {
      readonly onUnsubscribe = this.getAsyncCallback(() => {
        if (!this.isClosed(inlet)) this.cancel(inlet, NoMoreElementsNeeded);
      });
      constructor(shape: SinkShape<T>) {
        super(shape);
        this.setHandler(inlet, this);
      }
      override preStart(): void {
        this.pull(inlet);
      }
      onPush(): void {
        subscriber.next(this.grab(inlet));
        // A subscriber that unsubscribed from inside next() is closed; its teardown cancels us.
        if (!subscriber.closed) this.pull(inlet);
      }
      onUpstreamFinish(): void {
        subscriber.complete();
        this.completeStage();
      }
      onUpstreamFailure(error: unknown): void {
        subscriber.error(error);
        this.completeStage();
      }
    })(this.shape);
    return [logic, logic.onUnsubscribe];
  }
}
