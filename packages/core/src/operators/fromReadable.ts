/**
 * `StreamConverters.fromReadable(create)`: a Node `Readable` as a source.
 *
 * The readable is used in paused mode: each downstream pull calls `read()` once; when it returns
 * `null` the stage waits for 'readable'. So Node refills its own buffer only up to its `highWaterMark`
 * while downstream backpressures — nothing is read ahead beyond that. Cancelling destroys the readable.
 */
import type { Readable } from 'node:stream';
import { type AsyncCallback, GraphStageLogic, type OutHandler } from '../stage/GraphStageLogic.js';
import type { Outlet } from '../stage/Ports.js';
import type { SourceShape } from '../stage/Shape.js';
import { attach, detach, type Listeners, prematureClose, requireStream } from './nodeStreamInternals.js';
import { SourceStage } from './SourceStage.js';
import { requireFunction } from './validate.js';

const Name = 'StreamConverters.fromReadable';

export class FromReadableSource<T> extends SourceStage<T> {
  constructor(readonly create: () => Readable) {
    super('fromReadable');
    requireFunction(Name, 'create', create);
  }
  createLogic(): GraphStageLogic {
    return new FromReadableLogic<T>(this.shape, this.create);
  }
}

class FromReadableLogic<T> extends GraphStageLogic implements OutHandler {
  private readable: Readable | null = null;
  private ended = false;
  private readonly out: Outlet<T>;
  private readonly listeners: Listeners;

  constructor(
    shape: SourceShape<T>,
    private readonly create: () => Readable,
  ) {
    super(shape);
    this.out = shape.out;
    this.setHandler(shape.out, this);
    const onReadable: AsyncCallback<undefined> = this.getAsyncCallback(() => this.tryRead());
    const onEnd: AsyncCallback<undefined> = this.getAsyncCallback(() => {
      this.ended = true;
      this.completeStage();
    });
    const onError: AsyncCallback<unknown> = this.getAsyncCallback((e) => this.failStage(e));
    const onClose: AsyncCallback<undefined> = this.getAsyncCallback(() => {
      if (!this.ended) this.failStage(prematureClose(Name, 'Readable'));
    });
    this.listeners = [
      ['readable', () => onReadable.invoke(undefined)],
      ['end', () => onEnd.invoke(undefined)],
      ['error', (e: unknown) => onError.invoke(e)],
      ['close', () => onClose.invoke(undefined)],
    ];
  }

  override preStart(): void {
    const r = this.create();
    requireStream(Name, r, 'Readable');
    this.readable = r;
    attach(r, this.listeners);
  }

  onPull(): void {
    this.tryRead();
  }

  private tryRead(): void {
    const r = this.readable;
    if (r === null || !this.isAvailable(this.out)) return;
    const chunk = r.read() as T | null;
    if (chunk !== null) this.push(this.out, chunk);
    // else: Node sets needReadable and emits 'readable' (or 'end') when there is something to say.
  }

  override postStop(): void {
    const r = this.readable;
    if (r === null) return;
    detach(r, this.listeners);
    if (!this.ended && !r.destroyed) r.destroy();
  }
}
