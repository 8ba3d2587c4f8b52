import type { Attributes, Decider } from '../stage/Attributes.js';
import { type AsyncCallback, GraphStageLogic, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide } from './FlowStage.js';
import { SourceStage } from './SourceStage.js';
import { requireFunction } from './validate.js';

/**
 * `Source.unfoldResourceAsync(create, read, close)`: like `unfoldResource` with asynchronous functions.
 * One call is in flight at a time, and `read` is only called on demand. When the stream ends — the
 * resource is exhausted, `read` fails, or downstream cancels — the stage waits for `close` to settle
 * before it stops, so the stream's end means the resource is released. A resource whose `create`
 * settles after the stream was stopped from outside is closed as soon as it arrives.
 *
 * Supervision when `read` rejects (or throws): `resume` reads again; `restart` closes the resource and
 * opens a new one; `stop` closes it and fails with the error.
 */
export class UnfoldResourceAsyncSource<R, T> extends SourceStage<T> {
  constructor(
    readonly create: () => PromiseLike<R>,
    readonly read: (resource: R) => PromiseLike<T | undefined>,
    readonly close: (resource: R) => PromiseLike<unknown>,
  ) {
    super('unfoldResourceAsync');
    requireFunction('Source.unfoldResourceAsync', 'create', create);
    requireFunction('Source.unfoldResourceAsync', 'read', read);
    requireFunction('Source.unfoldResourceAsync', 'close', close);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new UnfoldResourceAsyncLogic(this, attributes.supervisionDecider);
  }
}

/** Calls `f` and turns a synchronous throw into a rejected promise. */
function attempt<A>(f: () => PromiseLike<A>): Promise<A> {
  try {
    return Promise.resolve(f());
  } catch (e) {
    return Promise.reject(e);
  }
}

const Creating = 0;
const Open = 1;
const Closing = 2;
const Closed = 3;

class UnfoldResourceAsyncLogic<R, T> extends GraphStageLogic implements OutHandler {
  /** The resource's life: being created, open, being closed, closed. */
  private state = Creating;
  /** A `read` is in flight (only while Open). */
  private reading = false;
  private resource!: R;
  private afterClose: (() => void) | null = null;
  private readonly onCreated: AsyncCallback<R>;
  private readonly onRead: AsyncCallback<T | undefined>;
  private readonly onReadFailed: AsyncCallback<unknown>;
  private readonly onCreateFailed: AsyncCallback<unknown>;
  private readonly onClosed: AsyncCallback<undefined>;
  private readonly onCloseFailed: AsyncCallback<unknown>;

  constructor(
    private readonly stage: UnfoldResourceAsyncSource<R, T>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    const out = stage.out;
    this.setHandler(out, this);
    this.onCreated = this.getAsyncCallback((r) => {
      this.resource = r;
      this.state = Open;
      if (this.isAvailable(out)) this.readNext();
    });
    this.onCreateFailed = this.getAsyncCallback((e) => this.failStage(e));
    this.onRead = this.getAsyncCallback((x) => {
      this.reading = false;
      if (this.state !== Open) return; // the stream is ending: the resource is being released
      if (x === undefined) this.closeThen(() => this.completeStage());
      else this.push(out, x);
    });
    this.onReadFailed = this.getAsyncCallback((e) => {
      this.reading = false;
      if (this.state !== Open) return;
      const d = decide(this.decider, e);
      if (d === 'stop') this.closeThen(() => this.failStage(e));
      else if (d === 'restart') this.closeThen(() => this.open());
      else if (this.isAvailable(out)) this.readNext();
    });
    this.onClosed = this.getAsyncCallback(() => {
      this.state = Closed;
      const next = this.afterClose;
      this.afterClose = null;
      next?.();
    });
    this.onCloseFailed = this.getAsyncCallback((e) => {
      this.state = Closed;
      this.afterClose = null;
      if (!this.isClosed(out)) return this.failStage(e);
      // Downstream is gone: nobody can see the failure in the stream, so it is reported.
      this._materializer?.logger?.(`${this.stageName}: close failed after downstream cancelled`, e);
      this.completeStage();
    });
  }

  override preStart(): void {
    this.open();
  }

  private open(): void {
    this.state = Creating;
    attempt(this.stage.create).then(
      (r) => this.onCreated.invokeWithFeedback(r).catch(() => this.closeOrphan(r)),
      (e) => this.onCreateFailed.invoke(e),
    );
  }

  onPull(): void {
    if (this.state === Open && !this.reading) this.readNext();
  }

  onDownstreamFinish(cause: unknown): void {
    if (this.state !== Open) return this.cancelStage(cause); // a resource still being created is closed when it arrives
    // Stay alive until the resource is released.
    this.setKeepGoing(true);
    this.closeThen(() => this.cancelStage(cause));
  }

  private readNext(): void {
    this.reading = true;
    const r = this.resource;
    attempt(() => this.stage.read(r)).then(
      (x) => this.onRead.invoke(x),
      (e) => this.onReadFailed.invoke(e),
    );
  }

  /** Closes the open resource, then runs `next` (a failing close fails the stage instead). */
  private closeThen(next: () => void): void {
    this.state = Closing;
    this.afterClose = next;
    const r = this.resource;
    attempt(() => this.stage.close(r)).then(
      () => this.onClosed.invoke(undefined),
      (e) => this.onCloseFailed.invoke(e),
    );
  }

  private closeOrphan(r: R): void {
    const logger = this._materializer?.logger;
    attempt(() => this.stage.close(r)).catch((e) => logger?.(`${this.stageName}: close of a resource released after its stream stopped failed`, e));
  }

  override postStop(): void {
    // Stopped from outside while the resource was open: release it (nobody waits for it now).
    if (this.state === Open) {
      this.state = Closed;
      this.closeOrphan(this.resource);
    }
  }
}
