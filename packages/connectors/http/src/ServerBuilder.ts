import { type Graph, Materializer, Sink, Source } from '@tributary/core';
import type { FlowShape } from '@tributary/core/stage';
import type { HttpRequest } from './HttpRequest.js';
import type { HttpResponse } from './HttpResponse.js';
import type { IncomingConnection, RequestHandler } from './IncomingConnection.js';
import { ConnectionSourceStage } from './internal/ConnectionSourceStage.js';
import type { BindOptions } from './internal/HttpServerRuntime.js';
import { describeValue, requireFunction, requirePort } from './internal/validate.js';
import type { ServerBinding } from './ServerBinding.js';
import { ServerSettings } from './ServerSettings.js';

/**
 * Builds an HTTP server bound to `host:port` (Akka HTTP's `ServerBuilder`), from `Http.newServerAt`.
 * Immutable: `withSettings` / `withMaterializer` return a new builder.
 *
 * Every request entity is a back-pressured source over the socket (not reading it pauses the
 * connection); a streamed response entity is written as fast as the socket drains; a handler that
 * throws or rejects yields a 500 and the server keeps serving.
 */
export class ServerBuilder {
  constructor(
    readonly host: string,
    readonly port: number,
    readonly settings: ServerSettings = ServerSettings.default,
    private readonly materializer?: Materializer,
  ) {
    if (typeof host !== 'string' || host.length === 0)
      throw new TypeError(`Http.newServerAt: host must be a non-empty host name or address, got ${describeValue(host)}`);
    requirePort('Http.newServerAt', port);
    if (!(settings instanceof ServerSettings)) throw new TypeError(`Http.newServerAt: settings must be ServerSettings, got ${describeValue(settings)}`);
  }

  withSettings(settings: ServerSettings): ServerBuilder {
    if (!(settings instanceof ServerSettings))
      throw new TypeError(`ServerBuilder.withSettings: settings must be ServerSettings, got ${describeValue(settings)}`);
    return new ServerBuilder(this.host, this.port, settings, this.materializer);
  }

  /** Runs the server's streams (connections, handler flows, streamed entities) on `materializer`. */
  withMaterializer(materializer: Materializer): ServerBuilder {
    if (!(materializer instanceof Materializer))
      throw new TypeError(`ServerBuilder.withMaterializer: expected a Materializer, got ${describeValue(materializer)}`);
    return new ServerBuilder(this.host, this.port, this.settings, materializer);
  }

  /**
   * The server as a source of connections: the server listens when the source is materialized, each
   * accepted connection is emitted for the application to handle (`handleWith(flow)` or
   * `handleWithAsyncHandler(f)`). Materializes the binding.
   *
   * - **Emits when** a connection was accepted and downstream pulls.
   * - **Backpressures when** downstream does not pull: accepted connections wait (Node closes those
   *   beyond `maxConnections`).
   * - **Completes when** the binding is unbound (`unbind()`/`terminate()`).
   * - **Fails when** the server cannot listen (e.g. `EADDRINUSE`); the binding promise rejects with the error.
   * - **Cancels when** downstream cancels: the server is unbound; connections already emitted carry on.
   *
   * @example
   * const binding = await Http.newServerAt('127.0.0.1', 0).connectionSource()
   *   .to(Sink.foreach((c) => c.handleWithAsyncHandler(() => HttpResponse.ok('hi'))))
   *   .run();
   */
  connectionSource(options: BindOptions = {}): Source<IncomingConnection, Promise<ServerBinding>> {
    checkOptions('ServerBuilder.connectionSource', options);
    return Source.fromGraph(new ConnectionSourceStage(this.host, this.port, this.settings, options));
  }

  /**
   * Serves every request with `handler`; pipelined requests of a connection are answered in order.
   * Resolves once the server listens.
   *
   * @example
   * const binding = await Http.newServerAt('127.0.0.1', 8080).bind(async (req) =>
   *   req.url === '/hello' ? HttpResponse.ok('hello') : HttpResponse.status(404));
   */
  bind(handler: RequestHandler, options: BindOptions = {}): Promise<ServerBinding> {
    requireFunction('ServerBuilder.bind', 'handler', handler);
    checkOptions('ServerBuilder.bind', options);
    // A bind failure is reported by the binding promise; the stream itself just ends.
    return this.connectionSource(options)
      .onErrorComplete()
      .to(Sink.foreach<IncomingConnection>((c) => c.handleWithAsyncHandler(handler)))
      .run(this.materializer ?? Materializer.default);
  }

  /**
   * Serves each connection with its own materialization of `flow`: the connection's requests enter in
   * order and the flow must emit one response per request, in order (pipelining is respected).
   *
   * @example
   * const binding = await Http.newServerAt('127.0.0.1', 0).bindFlow(
   *   Flow.create<HttpRequest>().mapAsync(4, async (req) => HttpResponse.ok(await req.entity.text())));
   */
  bindFlow(flow: Graph<FlowShape<HttpRequest, HttpResponse>, unknown>, options: BindOptions = {}): Promise<ServerBinding> {
    if (flow === null || typeof flow !== 'object' || !('shape' in flow))
      throw new TypeError(`ServerBuilder.bindFlow: flow must be a Flow<HttpRequest, HttpResponse>, got ${describeValue(flow)}`);
    checkOptions('ServerBuilder.bindFlow', options);
    const materializer = this.materializer ?? Materializer.default;
    return this.connectionSource(options)
      .onErrorComplete()
      .to(Sink.foreach<IncomingConnection>((c) => c.handleWith(flow, materializer)))
      .run(materializer);
  }
}

function checkOptions(where: string, options: BindOptions): void {
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object, got ${describeValue(options)}`);
  if (options.upgrade !== undefined) requireFunction(where, 'options.upgrade', options.upgrade);
}
