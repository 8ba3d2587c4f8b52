/**
 * `@tributary/http` — HTTP for Tributary streams, in the manner of Akka HTTP: a pooled, back-pressured
 * client on undici and a streaming server on `node:http`, with entities that are byte streams end to end.
 *
 * @module @tributary/http
 */
export { Http } from './Http.js';
export { HttpEntity, StrictEntity, StreamedEntity, type HttpEntityLike, type EntityReadOptions } from './HttpEntity.js';
export { HttpRequest, type HttpRequestInit } from './HttpRequest.js';
export { HttpResponse, type HttpResponseInit } from './HttpResponse.js';
export type { HttpHeaders, HttpHeadersInit } from './HttpHeaders.js';
export type { HttpLogger } from './HttpLogger.js';
export { ConnectionPoolSettings } from './ConnectionPoolSettings.js';
export type { HostConnectionPool } from './HostConnectionPool.js';
export { Result } from './Result.js';
export { ServerSettings } from './ServerSettings.js';
export { ServerBuilder } from './ServerBuilder.js';
export type { ServerBinding } from './ServerBinding.js';
export type { IncomingConnection, RequestHandler } from './IncomingConnection.js';
export { ServerSentEvent, type ServerSentEventEntityOptions } from './ServerSentEvent.js';
export { EventSource, type EventSourceOptions } from './EventSource.js';
export { EntityStreaming, type JsonEntityStreaming } from './EntityStreaming.js';
export type { BindOptions, UpgradeListener } from './internal/HttpServerRuntime.js';
export {
  EntityStreamSizeError,
  EntityConsumedError,
  EntitySubscriptionTimeoutError,
  PoolOverflowError,
  EventSourceError,
} from './errors.js';
