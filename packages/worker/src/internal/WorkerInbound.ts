/**
 * Worker side: the source that feeds the user's flow with the elements the main thread sent.
 *
 * It grants the main thread `bufferSize` elements of credit at start and grants again, in windows of
 * half the buffer, as it hands elements to the flow — so at most `bufferSize` elements ever wait here.
 * Completion and failure from upstream are delivered after the queued elements. When the flow cancels
 * its input (`take`, `takeWhile`, …) the main thread is told to send no more.
 */
import { type AsyncCallback, GraphStage, GraphStageLogic, type OutHandler, Outlet, SourceShape } from '@tributary/core/stage';
import { deserializeError } from './errorTransport.js';
import type { Outbox } from './Outbox.js';
import { grantWindow, type Packet } from './protocol.js';
import { Queue } from './Queue.js';

/** What the runtime shares between the inbound source and the outbound sink of one worker. */
export interface InboundHandle {
  onPacket: AsyncCallback<Packet> | null;
  /** The upstream failure this source raised (so the outbound side can tell it came back unchanged). */
  upstreamFailure: { readonly error: unknown } | null;
}

export class WorkerInbound extends GraphStage<SourceShape<unknown>> {
  readonly out = new Outlet<unknown>('WorkerFlow.in');
  readonly shape = new SourceShape(this.out);

  constructor(
    readonly outbox: Outbox,
    readonly bufferSize: number,
    readonly handle: InboundHandle,
  ) {
    super();
  }

  override get defaultName(): string {
    return 'WorkerFlow.in';
  }

  createLogic(): GraphStageLogic {
    return new InboundLogic(this);
  }
}

class InboundLogic extends GraphStageLogic implements OutHandler {
  private readonly queue: Queue<unknown>;
  private readonly out: Outlet<unknown>;
  private readonly outbox: Outbox;
  private readonly bufferSize: number;
  private readonly window: number;
  private readonly handle: InboundHandle;
  private consumed = 0;
  private upstreamDone = false;
  private failure: { readonly error: unknown } | null = null;

  constructor(stage: WorkerInbound) {
    super(stage.shape);
    this.out = stage.out;
    this.outbox = stage.outbox;
    this.bufferSize = stage.bufferSize;
    this.window = grantWindow(stage.bufferSize);
    this.handle = stage.handle;
    this.queue = new Queue(Math.min(stage.bufferSize, 1024));
    this.setHandler(this.out, this);
    this.handle.onPacket = this.getAsyncCallback(this.onPacket);
  }

  override preStart(): void {
    this.outbox.grant(this.bufferSize);
  }

  private onPacket(packet: Packet): void {
    const items = packet.items;
    if (items !== undefined) for (let i = 0; i < items.length; i++) this.queue.push(items[i]);
    const end = packet.end;
    if (end !== undefined) {
      if (end.kind === 'complete') this.upstreamDone = true;
      else if (end.kind === 'fail') {
        this.upstreamDone = true;
        this.failure = { error: deserializeError(end.error) };
        this.handle.upstreamFailure = this.failure;
      }
    }
    if (this.isAvailable(this.out)) this.onPull();
    else if (this.queue.length === 0 && this.upstreamDone) this.finish();
  }

  onPull(): void {
    const queue = this.queue;
    if (queue.length !== 0) {
      this.push(this.out, queue.shift());
      if (++this.consumed >= this.window) {
        this.outbox.grant(this.consumed);
        this.consumed = 0;
      }
    }
    if (queue.length === 0 && this.upstreamDone) this.finish();
  }

  onDownstreamFinish(): void {
    // The flow wants no more input: the main thread stops sending to this worker.
    this.outbox.closeInput();
    this.completeStage();
  }

  private finish(): void {
    if (this.failure !== null) this.failStage(this.failure.error);
    else this.completeStage();
  }

  override postStop(): void {
    this.handle.onPacket = null;
  }
}
