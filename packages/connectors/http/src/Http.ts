import { Flow } from '@tributary/core';
import { ConnectionPoolSettings } from './ConnectionPoolSettings.js';
import type { HostConnectionPool } from './HostConnectionPool.js';
import type { HttpRequest } from './HttpRequest.js';
import type { HttpResponse } from './HttpResponse.js';
import { PoolFlowStage } from './internal/PoolFlowStage.js';
import { shutdownAll, singleRequest } from './internal/PoolRegistry.js';
import { describeValue, requireOrigin } from './internal/validate.js';
import type { Result } from './Result.js';
import { ServerBuilder } from './ServerBuilder.js';

function checkSettings(where: string, settings: unknown): ConnectionPoolSettings {
  if (!(settings instanceof ConnectionPoolSettings)) throw new TypeError(`${where}: settings must be ConnectionPoolSettings, got ${describeValue(settings)}`);
  return settings;
}

/**
 * The entry point of the HTTP connector (Akka HTTP's `Http()` extension): the client (`singleRequest`,
 * `hostConnectionPool`, `superPool`, `shutdownAllConnectionPools`) and the server (`newServerAt`).
 *
 * Every response a client receives streams its entity from the connection: read it (`dataBytes`,
 * `toStrict`, `text`, `json`) or call `discardBytes()`. An entity left alone holds its pooled connection
 * until `responseEntitySubscriptionTimeoutMs` (1 s by default) discards it with a warning.
 */
export const Http = {
  /**
   * Sends one request through the pool shared by its origin (and settings) and resolves with the
   * response once its head has arrived. The request needs an absolute URL. Rejects with the network
   * error if it failed (after the retries allowed for idempotent requests), and with
   * `PoolOverflowError` if that pool already has `maxOpenRequests` requests open.
   *
   * @example
   * const response = await Http.singleRequest(HttpRequest.get('http://localhost:8080/items'));
   * const items = await response.entity.json();
   */
  singleRequest(request: HttpRequest, settings: ConnectionPoolSettings = ConnectionPoolSettings.default): Promise<HttpResponse> {
    return singleRequest(request, settings);
  },

  /**
   * A flow sending each request to `origin` over a pool of at most `maxConnections` connections,
   * opened when the flow is materialized and closed when it ends. Requests may have a path
   * (`/items?page=2`) or an absolute URL on `origin`. Responses come out as they arrive — possibly out
   * of order; the pass-through value `T` says which request each belongs to — and a failed request
   * becomes `{ ok: false, error }` rather than failing the flow.
   *
   * - **Emits when** a response (or failure) is available and downstream pulls.
   * - **Backpressures when** `maxOpenRequests` requests are open — sent and not yet answered, or
   *   answered with an entity not yet read to its end — or downstream backpressures.
   * - **Completes when** upstream completed (or `shutdown()` was called) and every result was emitted.
   * - **Cancels when** downstream cancels: requests in flight are aborted.
   *
   * @example
   * const results = await Source.from(ids)
   *   .map((id) => [HttpRequest.get(`/items/${id}`), id] as const)
   *   .via(Http.hostConnectionPool<number>('http://localhost:8080'))
   *   .mapAsyncUnordered(4, async ([r, id]) => (r.ok ? [id, await r.value.entity.json()] : [id, r.error]))
   *   .runWith(Sink.seq());
   */
  hostConnectionPool<T>(
    origin: string,
    settings: ConnectionPoolSettings = ConnectionPoolSettings.default,
  ): Flow<readonly [HttpRequest, T], readonly [Result<HttpResponse>, T], HostConnectionPool> {
    const o = requireOrigin('Http.hostConnectionPool', origin);
    return Flow.fromGraph(new PoolFlowStage<T>('Http.hostConnectionPool', o, checkSettings('Http.hostConnectionPool', settings)));
  },

  /**
   * Like `hostConnectionPool`, for requests to any origin: each request needs an absolute URL and goes
   * through a pool for its origin (opened on first use, closed when the flow ends). `maxOpenRequests`
   * bounds the requests open across all origins; `maxConnections` applies per origin.
   *
   * - **Emits when** a response (or failure) is available and downstream pulls.
   * - **Backpressures when** `maxOpenRequests` requests are open, or downstream backpressures.
   * - **Completes when** upstream completed and every result was emitted.
   * - **Cancels when** downstream cancels: requests in flight are aborted.
   *
   * @example Source.from(urls).map((u) => [HttpRequest.get(u), u] as const).via(Http.superPool<string>())
   */
  superPool<T>(
    settings: ConnectionPoolSettings = ConnectionPoolSettings.default,
  ): Flow<readonly [HttpRequest, T], readonly [Result<HttpResponse>, T], HostConnectionPool> {
    return Flow.fromGraph(new PoolFlowStage<T>('Http.superPool', undefined, checkSettings('Http.superPool', settings)));
  },

  /**
   * Closes the pools shared by `singleRequest` and shuts down every running pool flow; resolves when
   * their connections are closed. Requests in flight finish first.
   */
  shutdownAllConnectionPools(): Promise<void> {
    return shutdownAll();
  },

  /**
   * A server builder for `host:port` (port 0 picks a free port; the binding tells which).
   *
   * @example const binding = await Http.newServerAt('127.0.0.1', 0).bind(() => HttpResponse.ok('pong'));
   */
  newServerAt(host: string, port: number): ServerBuilder {
    return new ServerBuilder(host, port);
  },
} as const;
