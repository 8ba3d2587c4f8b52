/**
 * `Http.newServerAt(host, port).connectionSource()`: a source of accepted connections that owns the
 * server. The server listens from `preStart`; the materialized promise resolves with the binding (or
 * rejects with the listen error, failing the stream too). The source completes when the binding is
 * unbound; cancelling it unbinds. Connections accepted while downstream is not pulling wait (at most
 * `maxConnections` of them: Node closes the excess); those never emitted are closed when it stops.
 * Connections already emitted live on independently of this source until they close or the binding
 * is terminated.
 */
import type { Materializer } from '@tributary/core';
import { GraphStageLogic, GraphStageWithMaterializedValue, type OutHandler, Outlet, SourceShape } from '@tributary/core/stage';
import type { IncomingConnection } from '../IncomingConnection.js';
import type { ServerBinding } from '../ServerBinding.js';
import type { ServerSettings } from '../ServerSettings.js';
import { type BindOptions, HttpServerRuntime } from './HttpServerRuntime.js';
import type { ServerConnection } from './ServerConnection.js';

export class ConnectionSourceStage extends GraphStageWithMaterializedValue<SourceShape<IncomingConnection>, Promise<ServerBinding>> {
  readonly out = new Outlet<IncomingConnection>('Http.connectionSource.out');
  readonly shape = new SourceShape(this.out);

  constructor(
    readonly host: string,
    readonly port: number,
    readonly settings: ServerSettings,
    readonly options: BindOptions,
  ) {
    super();
  }

  override get defaultName(): string {
    return 'Http.connectionSource';
  }

  createLogicAndMaterializedValue(_attributes: unknown, materializer: Materializer): [GraphStageLogic, Promise<ServerBinding>] {
    let resolve!: (b: ServerBinding) => void;
    let reject!: (e: unknown) => void;
    const binding = new Promise<ServerBinding>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // The caller may ignore the promise and watch the stream instead: its rejection must not go unhandled.
    binding.catch(() => {});
    return [new ConnectionSourceLogic(this, materializer, resolve, reject), binding];
  }
}

class ConnectionSourceLogic extends GraphStageLogic implements OutHandler {
  private runtime: HttpServerRuntime | null = null;
  private readonly waiting: ServerConnection[] = [];
  private readonly delivered = new WeakSet<ServerConnection>();
  private unbound = false;

  constructor(
    private readonly stage: ConnectionSourceStage,
    private readonly mat: Materializer,
    private readonly resolveBinding: (b: ServerBinding) => void,
    private readonly rejectBinding: (e: unknown) => void,
  ) {
    super(stage.shape);
    this.setHandler(stage.out, this);
  }

  override preStart(): void {
    const onConnection = this.getAsyncCallback<ServerConnection>((c) => {
      this.waiting.push(c);
      this.deliver();
    });
    const onUnbound = this.getAsyncCallback<undefined>(() => {
      this.unbound = true;
      this.deliver();
    });
    const onBindFailed = this.getAsyncCallback<unknown>((e) => this.failStage(e));
    const s = this.stage;
    const runtime = new HttpServerRuntime(
      s.host,
      s.port,
      s.settings,
      this.mat,
      s.options,
      (c) => onConnection.invoke(c),
      () => onUnbound.invoke(undefined),
    );
    this.runtime = runtime;
    runtime.listen().then(this.resolveBinding, (e: unknown) => {
      this.rejectBinding(e);
      onBindFailed.invoke(e);
    });
  }

  onPull(): void {
    this.deliver();
  }

  private deliver(): void {
    const out = this.stage.out;
    while (this.waiting.length > 0 && this.isAvailable(out)) {
      const c = this.waiting.shift()!;
      this.delivered.add(c);
      this.push(out, c);
    }
    if (this.unbound && this.waiting.length === 0) this.completeStage();
  }

  override postStop(): void {
    const runtime = this.runtime;
    if (runtime === null) return;
    runtime.stopDelivering((c) => this.delivered.has(c));
    void runtime.unbind();
  }
}
