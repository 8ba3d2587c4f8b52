/**
 * The two halves of an async boundary between islands, sharing a bounded ring buffer.
 *
 * The downstream half grants the upstream half a window of `size` elements at start and re-grants in
 * batches of `size / 2` as it hands elements on, so the buffer never holds more than `size` elements
 * and the upstream island is woken once per batch, not once per element. Completion and failure are
 * delivered after the buffered elements (nothing that was produced is dropped); cancellation travels
 * back to the upstream half with its cause.
 */

import type { BoundaryPair } from '../impl/MaterializerImpl.js';
import { type AsyncCallback, GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { Inlet, Outlet } from '../stage/Ports.js';
import { SinkShape, SourceShape } from '../stage/Shape.js';

class Channel {
  readonly buf: unknown[];
  readonly mask: number;
  head = 0;
  count = 0;
  done = false;
  failed = false;
  error: unknown = undefined;
  /** The downstream half has a wake-up pending. */
  signalled = false;
  constructor(readonly size: number) {
    let cap = 1;
    while (cap < size) cap <<= 1;
    this.buf = new Array<unknown>(cap);
    this.mask = cap - 1;
  }
  enqueue(x: unknown): void {
    this.buf[(this.head + this.count) & this.mask] = x;
    this.count++;
  }
  dequeue(): unknown {
    const x = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.count--;
    return x;
  }
}

class BoundaryUpstream extends GraphStageLogic implements InHandler {
  readonly in: Inlet<unknown>;
  private demand = 0;
  downstream!: BoundaryDownstream;
  readonly onRequest: AsyncCallback<number>;
  readonly onCancel: AsyncCallback<unknown>;
  constructor(private readonly ch: Channel) {
    const inlet = new Inlet<unknown>('AsyncBoundary.in');
    super(new SinkShape(inlet));
    this.in = inlet;
    this._defaultName = 'asyncBoundary';
    this.setHandler(inlet, this);
    this.onRequest = this.getAsyncCallback((n) => {
      this.demand += n;
      if (!this.isClosed(this.in) && !this.hasBeenPulled(this.in)) this.pull(this.in);
    });
    this.onCancel = this.getAsyncCallback((cause) => this.cancelStage(cause));
  }
  onPush(): void {
    this.ch.enqueue(this.grab(this.in));
    this.demand--;
    this.wake();
    if (this.demand > 0) this.pull(this.in);
  }
  onUpstreamFinish(): void {
    this.ch.done = true;
    this.wake();
    this.completeStage();
  }
  onUpstreamFailure(error: unknown): void {
    this.ch.done = true;
    this.ch.failed = true;
    this.ch.error = error;
    this.wake();
    this.completeStage();
  }
  /** Read by detailed snapshots. */
  _bufferFill(): { buffered: number; capacity: number } {
    return { buffered: this.ch.count, capacity: this.ch.size };
  }
  private wake(): void {
    if (this.ch.signalled) return;
    this.ch.signalled = true;
    this.downstream.onWake.invoke(undefined);
  }
}

class BoundaryDownstream extends GraphStageLogic implements OutHandler {
  readonly out: Outlet<unknown>;
  private consumed = 0;
  upstream!: BoundaryUpstream;
  readonly onWake: AsyncCallback<undefined>;
  constructor(private readonly ch: Channel) {
    const out = new Outlet<unknown>('AsyncBoundary.out');
    super(new SourceShape(out));
    this.out = out;
    this._defaultName = 'asyncBoundary';
    this.setHandler(out, this);
    this.onWake = this.getAsyncCallback(() => {
      this.ch.signalled = false;
      if (this.isAvailable(this.out)) this.deliver();
      else if (this.ch.count === 0 && this.ch.done) this.finish();
    });
  }
  /** Read by detailed snapshots. */
  _bufferFill(): { buffered: number; capacity: number } {
    return { buffered: this.ch.count, capacity: this.ch.size };
  }
  override preStart(): void {
    this.upstream.onRequest.invoke(this.ch.size);
  }
  onPull(): void {
    this.deliver();
  }
  private deliver(): void {
    const ch = this.ch;
    if (ch.count > 0) {
      this.push(this.out, ch.dequeue());
      if (++this.consumed >= ch.size >> 1 || ch.size === 1) {
        this.upstream.onRequest.invoke(this.consumed);
        this.consumed = 0;
      }
      if (ch.count === 0 && ch.done) this.finish();
    } else if (ch.done) {
      this.finish();
    }
  }
  private finish(): void {
    if (this.ch.failed) this.failStage(this.ch.error);
    else this.completeStage();
  }
  onDownstreamFinish(cause: unknown): void {
    this.upstream.onCancel.invoke(cause);
    this.completeStage();
  }
}

export function createAsyncBoundary(size: number): BoundaryPair {
  const ch = new Channel(size);
  const up = new BoundaryUpstream(ch);
  const down = new BoundaryDownstream(ch);
  up.downstream = down;
  down.upstream = up;
  return { upstream: up, downstream: down };
}
