/**
 * `Source.queue(bufferSize, overflowStrategy)`: a source fed from outside through the `SourceQueue` it
 * materializes.
 *
 * The queue object and the stage share an inbox: `offer`/`complete`/`fail` append a command and wake the
 * stage (one wake-up per batch of commands, through the stage's single async callback), and the stage
 * works through the inbox inside its island. Whatever is still in the inbox when the stage stops is
 * answered in `postStop`, so no offer ever hangs.
 */
import { AbruptTerminationException } from '../impl/GraphInterpreter.js';
import { BufferOverflowError, type OverflowStrategy } from '../OverflowStrategy.js';
import { type AsyncCallback, GraphStageLogic, type OutHandler } from '../stage/GraphStageLogic.js';
import { IllegalStateError } from './IllegalStateError.js';
import { RingBuffer } from './RingBuffer.js';
import { requireOverflowStrategy } from './requireOverflowStrategy.js';
import { type Deferred, deferred } from './SinkStage.js';
import { SourceStageWithMat } from './SourceStage.js';
import { requireFiniteNonNegativeInt } from './validate.js';

/** The answer to `SourceQueue.offer`. Compare with the constants, or switch on `kind`. */
export type QueueOfferResult =
  | { readonly kind: 'enqueued' }
  | { readonly kind: 'dropped' }
  | { readonly kind: 'queueClosed' }
  | { readonly kind: 'failure'; readonly cause: unknown };

export const QueueOfferResult = {
  /** The element was buffered or sent downstream. */
  Enqueued: Object.freeze({ kind: 'enqueued' }) as QueueOfferResult,
  /** The element (or, for dropHead/dropTail/dropBuffer with a zero buffer, an earlier pending one) was dropped by the overflow strategy. */
  Dropped: Object.freeze({ kind: 'dropped' }) as QueueOfferResult,
  /** The queue was completed, or the stream has stopped. */
  QueueClosed: Object.freeze({ kind: 'queueClosed' }) as QueueOfferResult,
  /** The stream has failed (with `cause`), e.g. by `fail()` or a `fail` overflow. */
  Failure: (cause: unknown): QueueOfferResult => Object.freeze({ kind: 'failure', cause }),
} as const;

/** What `Source.queue` materializes. */
export interface SourceQueue<T> {
  /**
   * Offers an element. Resolves with `Enqueued` once it is buffered or sent downstream, `Dropped` if the
   * overflow strategy dropped it, `QueueClosed` after `complete()` or once the stream stopped, `Failure`
   * once it failed. With `OverflowStrategy.backpressure` and a full buffer, the promise resolves only when
   * there is room; a second offer while one is pending rejects with `IllegalStateError`.
   */
  offer(element: T): Promise<QueueOfferResult>;
  /** Completes the stream once the buffered elements have been emitted. */
  complete(): void;
  /** Fails the stream with `error` (buffered elements are dropped). */
  fail(error: unknown): void;
  /** Resolves when the stream completes (or downstream cancels); rejects if it fails. */
  watchCompletion(): Promise<void>;
}

interface Offer<T> {
  readonly kind: 'offer';
  readonly element: T;
  readonly resolve: (r: QueueOfferResult) => void;
  readonly reject: (e: unknown) => void;
}
type Command<T> = Offer<T> | { readonly kind: 'complete' } | { readonly kind: 'fail'; readonly error: unknown };

const CompleteCommand = { kind: 'complete' } as const;

class SourceQueueImpl<T> implements SourceQueue<T> {
  inbox: Command<T>[] = [];
  /** Set when complete() was called or the stream stopped: offers are answered without the stage. */
  closedWith: QueueOfferResult | null = null;
  wake: AsyncCallback<undefined> | null = null;
  private woken = false;
  readonly completion: Deferred<void> = deferred<void>();

  constructor() {
    this.completion.promise.catch(() => {}); // observed through watchCompletion, if the user cares
  }

  private send(cmd: Command<T>): void {
    this.inbox.push(cmd);
    if (!this.woken) {
      this.woken = true;
      this.wake!.invoke(undefined);
    }
  }

  /** @internal Called by the stage when it has taken the inbox. */
  takeInbox(): Command<T>[] {
    this.woken = false;
    const cmds = this.inbox;
    this.inbox = [];
    return cmds;
  }

  offer(element: T): Promise<QueueOfferResult> {
    if (this.closedWith !== null) return Promise.resolve(this.closedWith);
    return new Promise<QueueOfferResult>((resolve, reject) => this.send({ kind: 'offer', element, resolve, reject }));
  }

  complete(): void {
    if (this.closedWith !== null) return;
    this.closedWith = QueueOfferResult.QueueClosed;
    this.send(CompleteCommand);
  }

  fail(error: unknown): void {
    if (this.closedWith !== null && this.closedWith.kind !== 'queueClosed') return;
    this.closedWith = QueueOfferResult.Failure(error);
    this.send({ kind: 'fail', error });
  }

  watchCompletion(): Promise<void> {
    return this.completion.promise;
  }
}

export class QueueSource<T> extends SourceStageWithMat<T, SourceQueue<T>> {
  constructor(
    readonly bufferSize: number,
    readonly overflowStrategy: OverflowStrategy,
  ) {
    super('queue');
    requireFiniteNonNegativeInt('Source.queue', 'bufferSize', bufferSize);
    requireOverflowStrategy('Source.queue', 'overflowStrategy', overflowStrategy);
  }
  createLogicAndMaterializedValue(): [GraphStageLogic, SourceQueue<T>] {
    const queue = new SourceQueueImpl<T>();
    return [new QueueSourceLogic(this, queue), queue];
  }
}

class QueueSourceLogic<T> extends GraphStageLogic implements OutHandler {
  private readonly buf: RingBuffer<T>;
  /** With backpressure (or a zero buffer), the one offer waiting for room. */
  private pendingOffer: Offer<T> | null = null;
  /** complete() was called; the stream completes once the buffer is drained. */
  private terminating = false;
  /** How the stage ended (null: not yet, or stopped from outside). */
  private endedWith: QueueOfferResult | null = null;

  constructor(
    private readonly stage: QueueSource<T>,
    private readonly queue: SourceQueueImpl<T>,
  ) {
    super(stage.shape);
    this.buf = new RingBuffer<T>(stage.bufferSize);
    this.setHandler(stage.out, this);
    queue.wake = this.getAsyncCallback(() => this.drainInbox());
  }

  private drainInbox(): void {
    const cmds = this.queue.takeInbox();
    for (let i = 0; i < cmds.length; i++) {
      if (this.endedWith !== null) {
        this.answerAfterStop(cmds[i]!);
        continue;
      }
      const cmd = cmds[i]!;
      if (cmd.kind === 'offer') this.onOffer(cmd);
      else if (cmd.kind === 'complete') this.onComplete();
      else this.failWith(cmd.error);
    }
  }

  private onOffer(offer: Offer<T>): void {
    if (this.terminating) return offer.resolve(QueueOfferResult.QueueClosed);
    const out = this.stage.out;
    if (this.stage.bufferSize === 0) {
      if (this.isAvailable(out)) {
        this.push(out, offer.element);
        offer.resolve(QueueOfferResult.Enqueued);
      } else if (this.pendingOffer === null) {
        this.pendingOffer = offer;
      } else {
        switch (this.stage.overflowStrategy) {
          case 'dropHead':
          case 'dropBuffer':
            this.pendingOffer.resolve(QueueOfferResult.Dropped);
            this.pendingOffer = offer;
            break;
          case 'dropTail':
          case 'dropNew':
            offer.resolve(QueueOfferResult.Dropped);
            break;
          case 'fail':
            this.overflow(offer);
            break;
          case 'backpressure':
            this.rejectConcurrentOffer(offer);
            break;
        }
      }
      return;
    }
    this.bufferElement(offer);
    if (this.isAvailable(out) && !this.buf.isEmpty) this.pushFromBuffer();
  }

  private bufferElement(offer: Offer<T>): void {
    const buf = this.buf;
    if (!buf.isFull) {
      buf.enqueue(offer.element);
      return offer.resolve(QueueOfferResult.Enqueued);
    }
    switch (this.stage.overflowStrategy) {
      case 'dropHead':
        buf.dropHead();
        buf.enqueue(offer.element);
        return offer.resolve(QueueOfferResult.Enqueued);
      case 'dropTail':
        buf.dropTail();
        buf.enqueue(offer.element);
        return offer.resolve(QueueOfferResult.Enqueued);
      case 'dropBuffer':
        buf.clear();
        buf.enqueue(offer.element);
        return offer.resolve(QueueOfferResult.Enqueued);
      case 'dropNew':
        return offer.resolve(QueueOfferResult.Dropped);
      case 'fail':
        return this.overflow(offer);
      case 'backpressure':
        if (this.pendingOffer !== null) this.rejectConcurrentOffer(offer);
        else this.pendingOffer = offer;
    }
  }

  private rejectConcurrentOffer(offer: Offer<T>): void {
    offer.reject(new IllegalStateError(`${this.stageName}: you have to wait for the previous offer to be resolved to send another request`));
  }

  private overflow(offer: Offer<T>): void {
    const e = new BufferOverflowError(this.stage.bufferSize, this.stageName);
    offer.resolve(QueueOfferResult.Failure(e));
    this.failWith(e);
  }

  private pushFromBuffer(): void {
    this.push(this.stage.out, this.buf.dequeue());
    const pending = this.pendingOffer;
    if (pending !== null) {
      this.pendingOffer = null;
      this.buf.enqueue(pending.element);
      pending.resolve(QueueOfferResult.Enqueued);
    }
  }

  private onComplete(): void {
    if (!this.buf.isEmpty || this.pendingOffer !== null) this.terminating = true;
    else this.completeWith();
  }

  onPull(): void {
    const out = this.stage.out;
    if (this.stage.bufferSize === 0) {
      const pending = this.pendingOffer;
      if (pending === null) return;
      this.pendingOffer = null;
      this.push(out, pending.element);
      pending.resolve(QueueOfferResult.Enqueued);
      if (this.terminating) this.completeWith();
    } else if (!this.buf.isEmpty) {
      this.pushFromBuffer();
      if (this.terminating && this.buf.isEmpty) this.completeWith();
    }
  }

  onDownstreamFinish(): void {
    const pending = this.pendingOffer;
    this.pendingOffer = null;
    pending?.resolve(QueueOfferResult.QueueClosed);
    this.completeWith();
  }

  private completeWith(): void {
    this.endedWith = QueueOfferResult.QueueClosed;
    this.queue.closedWith ??= QueueOfferResult.QueueClosed;
    this.queue.completion.resolve();
    this.completeStage();
  }

  private failWith(error: unknown): void {
    const r = QueueOfferResult.Failure(error);
    this.endedWith = r;
    if (this.queue.closedWith === null || this.queue.closedWith.kind === 'queueClosed') this.queue.closedWith = r;
    this.pendingOffer?.resolve(r);
    this.pendingOffer = null;
    this.queue.completion.reject(error);
    this.failStage(error);
  }

  private answerAfterStop(cmd: Command<T>): void {
    if (cmd.kind === 'offer') cmd.resolve(this.endedWith ?? QueueOfferResult.QueueClosed);
  }

  override postStop(): void {
    if (this.endedWith === null) {
      // Stopped from outside (materializer shutdown).
      const e = new AbruptTerminationException(`${this.stageName}: the stream was stopped before the queue completed`);
      this.endedWith = QueueOfferResult.Failure(e);
      this.queue.closedWith = this.endedWith;
      this.queue.completion.reject(e);
    }
    this.pendingOffer?.resolve(this.endedWith);
    this.pendingOffer = null;
    // Commands that arrived after the stage stopped (or were never delivered) are answered here.
    const cmds = this.queue.takeInbox();
    for (const cmd of cmds) this.answerAfterStop(cmd);
  }
}
