/**
 * `entity.dataBytes` of an entity arriving over a connection: a source stage over the Node readable,
 * used in paused mode — one `read()` per downstream pull, waiting for 'readable' when it returns null.
 * The readable buffers at most its `highWaterMark` before Node/undici pause the socket, so a stream
 * that does not pull stops the peer (TCP flow control), not a growing buffer here.
 *
 * The readable is claimed in `preStart` (a second materialization fails there with
 * `EntityConsumedError`) and left in `postStop`: listeners removed, and if it had not ended the entity
 * is abandoned (the owner closes the connection or marks it for closing).
 */
import type { Readable } from 'node:stream';
import { type AsyncCallback, GraphStage, GraphStageLogic, type OutHandler, Outlet, SourceShape } from '@tributary/core/stage';
import { EntityStreamSizeError } from '../errors.js';
import type { ConnectionEntity } from './ConnectionEntity.js';

type Listener = [event: string, listener: (...args: any[]) => void];

export class ReadableEntitySource extends GraphStage<SourceShape<Buffer>> {
  readonly out = new Outlet<Buffer>('HttpEntity.dataBytes.out');
  readonly shape = new SourceShape(this.out);

  constructor(readonly entity: ConnectionEntity) {
    super();
  }

  override get defaultName(): string {
    return 'HttpEntity.dataBytes';
  }

  createLogic(): GraphStageLogic {
    return new ReadableEntityLogic(this);
  }
}

class ReadableEntityLogic extends GraphStageLogic implements OutHandler {
  private body: Readable | null = null;
  private ended = false;
  private received = 0;
  private readonly out: Outlet<Buffer>;
  private readonly entity: ConnectionEntity;
  private readonly listeners: Listener[];

  constructor(stage: ReadableEntitySource) {
    super(stage.shape);
    this.out = stage.out;
    this.entity = stage.entity;
    this.setHandler(stage.out, this);
    const onReadable: AsyncCallback<undefined> = this.getAsyncCallback(() => this.tryRead());
    const onEnd: AsyncCallback<undefined> = this.getAsyncCallback(() => {
      this.ended = true;
      this.completeStage();
    });
    const onError: AsyncCallback<unknown> = this.getAsyncCallback((e) => this.failStage(e));
    const onClose: AsyncCallback<undefined> = this.getAsyncCallback(() => {
      if (!this.ended) this.failStage(connectionClosed(this.entity.limitName));
    });
    this.listeners = [
      ['readable', () => onReadable.invoke(undefined)],
      ['end', () => onEnd.invoke(undefined)],
      ['error', (e: unknown) => onError.invoke(e)],
      ['close', () => onClose.invoke(undefined)],
    ];
  }

  override preStart(): void {
    const body = this.entity.claim('read');
    this.body = body;
    if (body.readableEnded) {
      this.ended = true;
      this.completeStage();
      return;
    }
    if (body.destroyed) {
      this.failStage(connectionClosed(this.entity.limitName));
      return;
    }
    for (const [event, listener] of this.listeners) body.on(event, listener);
  }

  onPull(): void {
    this.tryRead();
  }

  private tryRead(): void {
    const body = this.body;
    if (body === null || !this.isAvailable(this.out)) return;
    const chunk = body.read() as Buffer | null;
    if (chunk === null) return; // Node emits 'readable' (or 'end') when there is more to say
    this.received += chunk.length;
    if (this.received > this.entity.maxBytes) {
      this.failStage(new EntityStreamSizeError(this.entity.maxBytes, this.entity.contentLength, this.entity.limitName));
      return;
    }
    this.push(this.out, chunk);
  }

  override postStop(): void {
    const body = this.body;
    if (body === null) return;
    for (const [event, listener] of this.listeners) body.removeListener(event, listener);
    // A late error from a readable we no longer watch must not crash the process.
    body.on('error', ignore);
    if (!this.ended) this.entity.abandon();
  }
}

const ignore = (): void => {};

/** The connection went away before the entity ended. */
export function connectionClosed(where: string): Error {
  return Object.assign(new Error(`HttpEntity (${where}): the connection closed before the entity was complete`), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}
