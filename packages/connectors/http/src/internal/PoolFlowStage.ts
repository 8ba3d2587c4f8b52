/**
 * The flow behind `Http.hostConnectionPool` and `Http.superPool`: `[HttpRequest, T]` in,
 * `[Result<HttpResponse>, T]` out, over undici pools this stage opens in `preStart` (or, for a super
 * pool, on the first request to each origin) and closes in `postStop`.
 *
 * ## Slots
 *
 * The stage pulls upstream only while fewer than `maxOpenRequests` requests hold a *slot*. A slot is
 * taken when a request is admitted and given back when its result has been emitted *and* — for a
 * response — its entity has been read to the end or discarded. Counting the entity matters: undici
 * keeps the connection busy until the body is consumed, so a response handed downstream is still
 * "open" for the server. Results wait in `ready` only while downstream does not pull, and there are
 * never more of them than slots, so the stage's memory is bounded by `maxOpenRequests`.
 *
 * Responses are emitted as they arrive, which may differ from the request order: the pass-through `T`
 * tells whose response it is. A request that fails (after retries) becomes a `{ ok: false }` result,
 * not a stream failure.
 *
 * ## Entities that nobody reads
 *
 * Each response's subscription timer starts when the response is emitted: an entity not claimed in
 * `responseEntitySubscriptionTimeoutMs` is discarded (its connection closed), with a warning.
 *
 * ## Ending
 *
 * The flow completes once upstream has completed (or `shutdown()` was called) and every admitted
 * request's result was emitted. Closing the pools in `postStop` is graceful: entities already emitted
 * can still be read; requests still in flight when the stage stops early (cancellation, failure) are
 * aborted, and responses that were never emitted are discarded.
 */
import type { Attributes, Materializer } from '@tributary/core';
import { FlowShape, GraphStageLogic, GraphStageWithMaterializedValue, type InHandler, Inlet, type OutHandler, Outlet } from '@tributary/core/stage';
import type { Pool } from 'undici';
import type { ConnectionPoolSettings } from '../ConnectionPoolSettings.js';
import type { HostConnectionPool } from '../HostConnectionPool.js';
import { HttpRequest } from '../HttpRequest.js';
import type { HttpResponse } from '../HttpResponse.js';
import { Result } from '../Result.js';
import { ConnectionEntity } from './ConnectionEntity.js';
import { AbortHandle, createPool, describeExchange, resolveTarget, send, type Target } from './clientExchange.js';
import { registerRunning, unregisterRunning } from './PoolRegistry.js';
import { SubscriptionWatch } from './SubscriptionWatch.js';
import { describeValue } from './validate.js';

export type PoolIn<T> = readonly [HttpRequest, T];
export type PoolOut<T> = readonly [Result<HttpResponse>, T];

class Exchange<T> {
  readonly abort = new AbortHandle();
  result: Result<HttpResponse> | null = null;
  emitted = false;
  entityDone = false;
  freed = false;
  constructor(
    readonly request: HttpRequest,
    readonly context: T,
    readonly target: Target | null,
  ) {}

  get description(): string {
    return this.target === null ? `${this.request.method} ${this.request.url}` : describeExchange(this.request, this.target);
  }
}

export class PoolFlowStage<T> extends GraphStageWithMaterializedValue<FlowShape<PoolIn<T>, PoolOut<T>>, HostConnectionPool> {
  readonly in = new Inlet<PoolIn<T>>('HostConnectionPool.in');
  readonly out = new Outlet<PoolOut<T>>('HostConnectionPool.out');
  readonly shape = new FlowShape(this.in, this.out);

  constructor(
    /** `Http.hostConnectionPool` or `Http.superPool`, for messages. */
    readonly factory: string,
    /** The one origin of a host pool; `undefined` for a super pool. */
    readonly origin: string | undefined,
    readonly settings: ConnectionPoolSettings,
  ) {
    super();
  }

  override get defaultName(): string {
    return this.factory;
  }

  createLogicAndMaterializedValue(_attributes: Attributes, materializer: Materializer): [GraphStageLogic, HostConnectionPool] {
    const handle = new PoolHandle(this.origin);
    return [new PoolFlowLogic(this, materializer, handle), handle];
  }
}

/** The materialized `HostConnectionPool`: forwards `shutdown()` into the running stage. */
class PoolHandle implements HostConnectionPool {
  /** @internal Set by the running logic. */ requestShutdown: (() => void) | null = null;
  private shutdownAsked = false;
  private resolveClosed!: () => void;
  readonly closed: Promise<void> = new Promise<void>((r) => (this.resolveClosed = r));

  constructor(readonly origin: string | undefined) {}

  shutdown(): Promise<void> {
    if (!this.shutdownAsked) {
      this.shutdownAsked = true;
      this.requestShutdown?.();
    }
    return this.closed;
  }

  get wasShutdownAsked(): boolean {
    return this.shutdownAsked;
  }

  markClosed(): void {
    this.resolveClosed();
  }
}

class PoolFlowLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  private readonly pools = new Map<string, Pool>();
  private readonly inFlight = new Set<Exchange<T>>();
  private readonly ready: Exchange<T>[] = [];
  private open = 0;
  private admitting = true;
  private stopped = false;
  private readonly max: number;
  private readonly in: Inlet<PoolIn<T>>;
  private readonly out: Outlet<PoolOut<T>>;
  private readonly settings: ConnectionPoolSettings;
  private readonly watch: SubscriptionWatch;
  private readonly onSettled = this.getAsyncCallback<Exchange<T>>((ex) => this.settled(ex));
  private readonly onEntityDone = this.getAsyncCallback<Exchange<T>>((ex) => {
    ex.entityDone = true;
    this.maybeFree(ex);
  });

  constructor(
    private readonly stage: PoolFlowStage<T>,
    private readonly mat: Materializer,
    private readonly handle: PoolHandle,
  ) {
    super(stage.shape);
    this.in = stage.in;
    this.out = stage.out;
    this.settings = stage.settings;
    this.max = stage.settings.maxOpenRequests;
    this.watch = new SubscriptionWatch(stage.settings.responseEntitySubscriptionTimeoutMs, stage.settings.logger, mat.scheduler);
    this.setHandlers(stage.in, stage.out, this);
  }

  override preStart(): void {
    const shutdown = this.getAsyncCallback<undefined>(() => this.stopAdmitting());
    this.handle.requestShutdown = () => shutdown.invoke(undefined);
    registerRunning(this.handle);
    if (this.stage.origin !== undefined) this.poolFor(this.stage.origin);
    if (this.handle.wasShutdownAsked) this.stopAdmitting();
    else this.pull(this.in);
  }

  private poolFor(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (pool === undefined) {
      pool = createPool(origin, this.settings);
      this.pools.set(origin, pool);
    }
    return pool;
  }

  onPush(): void {
    const element = this.grab(this.in) as unknown;
    if (!Array.isArray(element) || element.length !== 2 || !(element[0] instanceof HttpRequest)) {
      this.failStage(new TypeError(`${this.stage.factory}: elements must be [HttpRequest, context] tuples, got ${describeValue(element)}`));
      return;
    }
    const [request, context] = element as unknown as PoolIn<T>;
    this.open++;
    let target: Target;
    try {
      target = resolveTarget(this.stage.factory, request, this.stage.origin);
    } catch (e) {
      const ex = new Exchange(request, context, null);
      ex.result = Result.failure(e);
      ex.entityDone = true;
      this.ready.push(ex);
      this.emitReady();
      this.pullIfRoom();
      return;
    }
    const ex = new Exchange(request, context, target);
    this.inFlight.add(ex);
    send(this.poolFor(target.origin), request, target, this.settings, this.mat, ex.abort).then(
      (response) => {
        ex.result = Result.success(response);
        this.deliver(ex);
      },
      (error: unknown) => {
        ex.result = Result.failure(error);
        this.deliver(ex);
      },
    );
    this.pullIfRoom();
  }

  /**
   * Hands a settled exchange to the stage. If the stage has stopped, its response must not hold a
   * connection: `postStop` aborted every exchange still in flight — which also destroys the body of a
   * response whose delivery was still queued — and one settling after that is discarded here.
   */
  private deliver(ex: Exchange<T>): void {
    if (this.stopped) discard(ex);
    else this.onSettled.invoke(ex);
  }

  private settled(ex: Exchange<T>): void {
    this.inFlight.delete(ex);
    const result = ex.result!;
    const entity = result.ok ? result.value.entity : null;
    if (entity instanceof ConnectionEntity) entity.onDone(() => this.onEntityDone.invoke(ex));
    else ex.entityDone = true;
    this.ready.push(ex);
    this.emitReady();
  }

  onPull(): void {
    this.emitReady();
  }

  private emitReady(): void {
    while (this.ready.length > 0 && this.isAvailable(this.out)) {
      const ex = this.ready.shift()!;
      ex.emitted = true;
      const result = ex.result!;
      this.push(this.out, [result, ex.context]);
      if (result.ok) {
        const entity = result.value.entity;
        if (entity instanceof ConnectionEntity) this.watch.watch(entity, ex.description);
      }
      this.maybeFree(ex);
    }
    this.completeIfDone();
  }

  private maybeFree(ex: Exchange<T>): void {
    if (ex.freed || !ex.emitted || !ex.entityDone) return;
    ex.freed = true;
    this.open--;
    this.pullIfRoom();
  }

  private pullIfRoom(): void {
    if (this.admitting && this.open < this.max && !this.hasBeenPulled(this.in) && !this.isClosed(this.in)) this.pull(this.in);
  }

  onUpstreamFinish(): void {
    this.admitting = false;
    this.completeIfDone();
  }

  onUpstreamFailure(error: unknown): void {
    this.failStage(error);
  }

  onDownstreamFinish(cause: unknown): void {
    this.cancelStage(cause);
  }

  private stopAdmitting(): void {
    this.admitting = false;
    if (!this.isClosed(this.in)) this.cancel(this.in);
    this.completeIfDone();
  }

  private completeIfDone(): void {
    if (!this.admitting && this.inFlight.size === 0 && this.ready.length === 0 && !this.stopped) this.completeStage();
  }

  override postStop(): void {
    this.stopped = true;
    for (const ex of this.inFlight) ex.abort.abort();
    for (const ex of this.ready) discard(ex);
    const pools = [...this.pools.values()];
    this.pools.clear();
    unregisterRunning(this.handle);
    void Promise.all(pools.map((p) => p.close())).then(
      () => this.handle.markClosed(),
      () => this.handle.markClosed(),
    );
  }
}

/** Releases the connection of a response that will never reach the application. */
function discard<T>(ex: Exchange<T>): void {
  const result = ex.result;
  if (result !== null && result.ok) {
    const entity = result.value.entity;
    if (entity instanceof ConnectionEntity && !entity.isClaimed) entity.abandon();
  }
}
