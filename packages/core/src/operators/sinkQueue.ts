/**
 * `Sink.queue(maxConcurrentPulls)`: a sink drained from outside through the `SinkQueue` it materializes.
 *
 * The stage keeps up to `Attributes.inputBuffer(…).max` elements (default 16) ready, asking upstream for
 * more as the consumer takes them, plus one slot for the end of the stream. It keeps going after upstream
 * ended until the consumer has pulled everything (and the end). Pull requests reach the stage through a
 * shared inbox and one async callback; any request still open when the stage stops is answered in
 * `postStop`.
 */
import type { Attributes } from '../stage/Attributes.js';
import { type AsyncCallback, GraphStageLogic, type InHandler, StreamDetachedException } from '../stage/GraphStageLogic.js';
import { IllegalStateError } from './IllegalStateError.js';
import { RingBuffer } from './RingBuffer.js';
import { abrupt } from './reactiveStreamsInternals.js';
import { SinkStage } from './SinkStage.js';
import { requirePositiveInt } from './validate.js';

/** What `Sink.queue` materializes. */
export interface SinkQueue<T> {
  /**
   * The next element; `undefined` once the stream has completed; rejects with the stream's error if it
   * failed. At most `maxConcurrentPulls` pulls may be outstanding (more reject with `IllegalStateError`).
   */
  pull(): Promise<T | undefined>;
  /** Cancels the stream; later pulls reject with `StreamDetachedException`. */
  cancel(): void;
}

interface PullRequest<T> {
  readonly resolve: (v: T | undefined) => void;
  readonly reject: (e: unknown) => void;
}
type Command<T> = PullRequest<T> | 'cancel';

/** How the stream ended, as seen by the consumer. */
type End = { readonly ok: true } | { readonly ok: false; readonly error: unknown };

const EndOfStream: unique symbol = Symbol('EndOfStream');
class StreamFailed {
  constructor(readonly error: unknown) {}
}

class SinkQueueImpl<T> implements SinkQueue<T> {
  inbox: Command<T>[] = [];
  wake: AsyncCallback<undefined> | null = null;
  private woken = false;
  /** Set once the stage has stopped (or cancel() was called): pulls are answered without it. */
  ended: End | null = null;

  private send(cmd: Command<T>): void {
    this.inbox.push(cmd);
    if (!this.woken) {
      this.woken = true;
      this.wake!.invoke(undefined);
    }
  }

  takeInbox(): Command<T>[] {
    this.woken = false;
    const cmds = this.inbox;
    this.inbox = [];
    return cmds;
  }

  pull(): Promise<T | undefined> {
    const end = this.ended;
    if (end !== null) return end.ok ? Promise.resolve(undefined) : Promise.reject(end.error);
    return new Promise<T | undefined>((resolve, reject) => this.send({ resolve, reject }));
  }

  cancel(): void {
    if (this.ended !== null) return;
    this.ended = { ok: false, error: new StreamDetachedException('queue') };
    this.send('cancel');
  }
}

export class QueueSink<T> extends SinkStage<T, SinkQueue<T>> {
  constructor(readonly maxConcurrentPulls: number) {
    super('queue');
    requirePositiveInt('Sink.queue', 'maxConcurrentPulls', maxConcurrentPulls);
  }
  createLogicAndMaterializedValue(attributes: Attributes): [GraphStageLogic, SinkQueue<T>] {
    const queue = new SinkQueueImpl<T>();
    return [new QueueSinkLogic(this, queue, attributes.inputBuffer.max), queue];
  }
}

class QueueSinkLogic<T> extends GraphStageLogic implements InHandler {
  /** Elements ready for the consumer, then possibly the end of the stream (one extra slot). */
  private readonly buf: RingBuffer<T | typeof EndOfStream | StreamFailed>;
  private readonly requests: PullRequest<T>[] = [];
  /** The stage has stopped itself (end delivered, or cancelled); it finalizes once the current handler returns. */
  private done = false;

  constructor(
    private readonly stage: QueueSink<T>,
    private readonly queue: SinkQueueImpl<T>,
    private readonly maxBuffer: number,
  ) {
    super(stage.shape);
    this.buf = new RingBuffer(maxBuffer + 1);
    this.setHandler(stage.in, this);
    queue.wake = this.getAsyncCallback(() => this.drainInbox());
  }

  override preStart(): void {
    this.setKeepGoing(true); // stay alive after upstream ended, until the consumer has taken everything
    this.pull(this.stage.in);
  }

  private drainInbox(): void {
    const cmds = this.queue.takeInbox();
    for (let i = 0; i < cmds.length; i++) {
      const cmd = cmds[i]!;
      if (this.done) {
        this.answerAfterStop(cmd);
      } else if (cmd === 'cancel') {
        this.stop();
      } else if (this.requests.length >= this.stage.maxConcurrentPulls) {
        cmd.reject(
          new IllegalStateError(
            `${this.stageName}: too many concurrent pulls (maximum ${this.stage.maxConcurrentPulls}); wait for a previous pull to be resolved before pulling again`,
          ),
        );
      } else if (this.buf.isEmpty) {
        this.requests.push(cmd);
      } else {
        this.serve(cmd);
      }
    }
  }

  private serve(request: PullRequest<T>): void {
    const inlet = this.stage.in;
    if (this.buf.length === this.maxBuffer && !this.isClosed(inlet) && !this.hasBeenPulled(inlet)) this.pull(inlet);
    const e = this.buf.dequeue();
    if (e === EndOfStream) {
      this.queue.ended = { ok: true };
      request.resolve(undefined);
      this.stop();
    } else if (e instanceof StreamFailed) {
      this.queue.ended = { ok: false, error: e.error };
      request.reject(e.error);
      this.stop();
    } else {
      request.resolve(e);
    }
  }

  private enqueueAndServe(e: T | typeof EndOfStream | StreamFailed): void {
    this.buf.enqueue(e);
    while (this.requests.length > 0 && !this.buf.isEmpty && !this.done) this.serve(this.requests.shift()!);
  }

  private stop(): void {
    this.done = true;
    this.completeStage();
  }

  onPush(): void {
    this.enqueueAndServe(this.grab(this.stage.in));
    if (this.buf.length < this.maxBuffer && !this.isClosed(this.stage.in)) this.pull(this.stage.in);
  }

  onUpstreamFinish(): void {
    this.enqueueAndServe(EndOfStream);
  }

  onUpstreamFailure(error: unknown): void {
    this.enqueueAndServe(new StreamFailed(error));
  }

  private answerAfterStop(cmd: Command<T>): void {
    if (cmd === 'cancel') return;
    const end = this.queue.ended!;
    if (end.ok) cmd.resolve(undefined);
    else cmd.reject(end.error);
  }

  override postStop(): void {
    // Stopped from outside (materializer shutdown), or cancelled: open pulls must not hang.
    this.queue.ended ??= { ok: false, error: abrupt(this.stageName) };
    for (const r of this.requests) this.answerAfterStop(r);
    this.requests.length = 0;
    for (const cmd of this.queue.takeInbox()) this.answerAfterStop(cmd);
  }
}
