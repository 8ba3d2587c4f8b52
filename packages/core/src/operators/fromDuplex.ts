/**
 * `StreamConverters.fromDuplex(create)`: a Node `Duplex` (a socket, a zlib/crypto transform, …) as a
 * flow: elements from upstream are written to it, what it produces is read downstream.
 *
 * Both directions keep back-pressure as `fromWritable` and `fromReadable` do ('drain' on the writing
 * side, one `read()` per pull on the reading side). Upstream completion ends the writing side (`end()`);
 * the flow completes once the reading side ended and the writing side finished. A failure on either
 * side fails the flow and destroys the duplex; downstream cancellation destroys it and cancels upstream.
 */
import type { Duplex } from 'node:stream';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import type { Inlet, Outlet } from '../stage/Ports.js';
import type { FlowShape } from '../stage/Shape.js';
import { FlowStage } from './FlowStage.js';
import { attach, detach, failureCause, type Listeners, prematureClose, requireStream } from './nodeStreamInternals.js';
import { requireFunction } from './validate.js';

const Name = 'StreamConverters.fromDuplex';

export class FromDuplexFlow<I, O> extends FlowStage<I, O> {
  constructor(readonly create: () => Duplex) {
    super('fromDuplex');
    requireFunction(Name, 'create', create);
  }
  createLogic(): GraphStageLogic {
    return new FromDuplexLogic<I, O>(this.shape, this.create);
  }
}

class FromDuplexLogic<I, O> extends GraphStageLogic implements InHandler, OutHandler {
  private duplex: Duplex | null = null;
  private readonly in: Inlet<I>;
  private readonly out: Outlet<O>;
  private readonly listeners: Listeners;
  private readEnded = false;
  private writeFinished = false;

  constructor(
    shape: FlowShape<I, O>,
    private readonly create: () => Duplex,
  ) {
    super(shape);
    this.in = shape.in;
    this.out = shape.out;
    this.setHandlers(shape.in, shape.out, this);
    const onReadable = this.getAsyncCallback(() => this.tryRead());
    const onEnd = this.getAsyncCallback(() => {
      this.readEnded = true;
      this.complete(this.out);
      this.stopIfDone();
    });
    const onDrain = this.getAsyncCallback(() => {
      if (!this.isClosed(this.in) && !this.hasBeenPulled(this.in)) this.pull(this.in);
    });
    const onFinish = this.getAsyncCallback(() => {
      this.writeFinished = true;
      this.stopIfDone();
    });
    const onError = this.getAsyncCallback((e: unknown) => this.failStage(e));
    const onClose = this.getAsyncCallback(() => {
      if (!this.readEnded) this.failStage(prematureClose(Name, 'Readable'));
      else if (!this.writeFinished && this.isClosed(this.in)) this.failStage(prematureClose(Name, 'Writable'));
    });
    this.listeners = [
      ['readable', () => onReadable.invoke(undefined)],
      ['end', () => onEnd.invoke(undefined)],
      ['drain', () => onDrain.invoke(undefined)],
      ['finish', () => onFinish.invoke(undefined)],
      ['error', (e: unknown) => onError.invoke(e)],
      ['close', () => onClose.invoke(undefined)],
    ];
  }

  override preStart(): void {
    const d = this.create();
    requireStream(Name, d, 'Duplex');
    this.duplex = d;
    attach(d, this.listeners);
    this.pull(this.in);
  }

  // ── writing side ──

  onPush(): void {
    if (this.duplex!.write(this.grab(this.in))) this.pull(this.in);
  }

  onUpstreamFinish(): void {
    this.setKeepGoing(true); // the reading side may still produce, and 'finish' is still to come
    this.duplex!.end();
  }

  onUpstreamFailure(error: unknown): void {
    this.duplex!.destroy(error as Error);
    this.failStage(error);
  }

  // ── reading side ──

  onPull(): void {
    this.tryRead();
  }

  private tryRead(): void {
    const d = this.duplex;
    if (d === null || !this.isAvailable(this.out)) return;
    const chunk = d.read() as O | null;
    if (chunk !== null) this.push(this.out, chunk);
  }

  onDownstreamFinish(cause: unknown): void {
    this.duplex?.destroy(failureCause(cause) as Error | undefined);
    this.cancelStage(cause);
  }

  private stopIfDone(): void {
    if (this.readEnded && this.writeFinished) this.completeStage();
  }

  override postStop(): void {
    const d = this.duplex;
    if (d === null) return;
    detach(d, this.listeners);
    if (!(this.readEnded && this.writeFinished) && !d.destroyed) d.destroy();
  }
}
