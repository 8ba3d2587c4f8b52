/**
 * Worker side: the sink that takes the user's flow's output and sends it to the main thread.
 *
 * It pulls only while it holds credit from the main thread (which grants `bufferSize` at start and
 * again as its downstream takes elements), so the flow is back-pressured across the thread boundary
 * exactly as it would be by a slow stage next to it. Completion and failure are sent after the last
 * batch; a failure names the stage where it started (from the worker materializer's failure report).
 */
import { type AsyncCallback, GraphStage, GraphStageLogic, type InHandler, Inlet, SinkShape } from '@tributary/core/stage';
import { serializeError } from './errorTransport.js';
import type { Outbox } from './Outbox.js';
import type { Packet } from './protocol.js';
import type { InboundHandle } from './WorkerInbound.js';

export interface OutboundHandle {
  onPacket: AsyncCallback<Packet> | null;
  /** Where the failure being reported started, as the worker's materializer saw it. */
  lastFailure: { readonly error: unknown; readonly stage: string } | null;
  /** Called once the sink has stopped (whatever stopped it). */
  readonly onStopped: () => void;
}

export class WorkerOutbound extends GraphStage<SinkShape<unknown>> {
  readonly in = new Inlet<unknown>('WorkerFlow.out');
  readonly shape = new SinkShape(this.in);

  constructor(
    readonly outbox: Outbox,
    readonly initialCredit: number,
    readonly inbound: InboundHandle,
    readonly handle: OutboundHandle,
  ) {
    super();
  }

  override get defaultName(): string {
    return 'WorkerFlow.out';
  }

  createLogic(): GraphStageLogic {
    return new OutboundLogic(this);
  }
}

class OutboundLogic extends GraphStageLogic implements InHandler {
  private readonly in: Inlet<unknown>;
  private readonly outbox: Outbox;
  private credit: number;

  constructor(private readonly stage: WorkerOutbound) {
    super(stage.shape);
    this.in = stage.in;
    this.outbox = stage.outbox;
    this.credit = stage.initialCredit;
    this.setHandler(this.in, this);
    stage.handle.onPacket = this.getAsyncCallback(this.onPacket);
  }

  override preStart(): void {
    if (this.credit > 0) this.pull(this.in);
  }

  private onPacket(packet: Packet): void {
    if (packet.credit !== undefined) {
      this.credit += packet.credit;
      if (!this.isClosed(this.in) && !this.hasBeenPulled(this.in)) this.pull(this.in);
    }
    if (packet.end?.kind === 'cancel') this.completeStage();
  }

  onPush(): void {
    this.outbox.push(this.grab(this.in));
    if (--this.credit > 0) this.pull(this.in);
  }

  onUpstreamFinish(): void {
    this.outbox.finish({ kind: 'complete' });
    this.completeStage();
  }

  onUpstreamFailure(error: unknown): void {
    // Failing the sink makes the materializer report where the error started (see workerMain's logger).
    this.failStage(error);
    const handle = this.stage.handle;
    const origin = handle.lastFailure;
    const stage = origin !== null && origin.error === error ? origin.stage : undefined;
    handle.lastFailure = null;
    const upstream = this.stage.inbound.upstreamFailure?.error === error;
    this.outbox.finish({ kind: 'fail', error: serializeError(error), ...(stage === undefined ? {} : { stage }), ...(upstream ? { upstream } : {}) });
  }

  override postStop(): void {
    const handle = this.stage.handle;
    handle.onPacket = null;
    handle.onStopped();
  }
}
