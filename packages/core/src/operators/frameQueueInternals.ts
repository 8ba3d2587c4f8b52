/**
 * The logic shared by the byte framers (`Framing.delimiter`, `Framing.lengthField`,
 * `JsonFraming.objectScanner`). `TextFlow.lines` has its own, lazier variant: see textLines.ts.
 *
 * Why a queue: a framer sees bytes a whole chunk at a time (a 64 KiB chunk can hold a thousand
 * frames), and scanning the chunk in one go — one `indexOf` loop, no per-frame re-entry, the frames
 * being views of the chunk — is what makes framing cheap. The frames found are queued and pushed one per downstream pull, so demand
 * stays exact; upstream is pulled only when the queue is empty and downstream has asked for more.
 *
 * A framing error found while scanning is not raised at once: the frames before it in the same chunk
 * are good and go out first (on demand), then the stage fails — the same order a frame-at-a-time
 * parser would produce. End of input works the same way: the queue drains, then the subclass's final
 * word (a last frame, a truncation error) follows.
 */
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import type { Inlet, Outlet } from '../stage/Ports.js';
import type { FlowShape } from '../stage/Shape.js';
import { asBuffer } from './byteChunks.js';

const NoFailure: unique symbol = Symbol('NoFailure');

export abstract class FrameQueueLogic<O> extends GraphStageLogic implements InHandler, OutHandler {
  private queue: O[] = [];
  private head = 0;
  private failure: unknown = NoFailure;
  private upstreamDone = false;
  protected readonly in: Inlet<Uint8Array>;
  protected readonly out: Outlet<O>;

  constructor(
    shape: FlowShape<Uint8Array, O>,
    /** The factory's name, for errors ("Framing.delimiter"). */
    protected readonly op: string,
  ) {
    super(shape);
    this.in = shape.in;
    this.out = shape.out;
    this.setHandlers(shape.in, shape.out, this);
  }

  /** Scans one chunk: calls `enqueue` for each complete frame, `failAfterQueued` on bad input. */
  protected abstract onChunk(chunk: Buffer): void;

  /** Upstream finished: enqueue a last frame, or report truncation with `failAfterQueued`. */
  protected abstract onEndOfInput(): void;

  /** Whether a framing error has been recorded (scanning should stop). */
  protected get failed(): boolean {
    return this.failure !== NoFailure;
  }

  protected enqueue(frame: O): void {
    this.queue.push(frame);
  }

  /** Fails the stage once the frames already queued have been emitted. */
  protected failAfterQueued(error: unknown): void {
    if (this.failure === NoFailure) this.failure = error;
  }

  onPush(): void {
    if (this.failure === NoFailure) this.onChunk(asBuffer(this.op, this.grab(this.in)));
    this.deliver();
  }

  onPull(): void {
    this.deliver();
  }

  onUpstreamFinish(): void {
    this.upstreamDone = true;
    if (this.failure === NoFailure) this.onEndOfInput();
    this.deliver();
  }

  /** Pushes the next frame if downstream wants one; otherwise ends the stage or asks upstream, as due. */
  private deliver(): void {
    const q = this.queue;
    if (this.head < q.length) {
      if (!this.isAvailable(this.out)) return;
      const frame = q[this.head]!;
      q[this.head++] = undefined as O; // let the frame go once it is out
      if (this.head === q.length) {
        this.queue = [];
        this.head = 0;
      }
      this.push(this.out, frame);
      if (this.head !== 0) return;
    }
    // The queue is empty.
    if (this.failure !== NoFailure) this.failStage(this.failure);
    else if (this.upstreamDone) this.completeStage();
    else if (this.isAvailable(this.out) && !this.hasBeenPulled(this.in)) this.pull(this.in);
  }
}
