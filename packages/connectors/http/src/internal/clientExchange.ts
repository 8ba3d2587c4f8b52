/**
 * Sending one `HttpRequest` over an undici pool and turning the answer into an `HttpResponse` whose
 * entity streams from the connection (see `ConnectionEntity`).
 *
 * Request entities: strict ones go as one buffer (with `content-length`); streamed ones are
 * materialized into a Node `Readable` only when the request is sent, and undici writes them as the
 * socket drains — the source is pulled no faster than the network takes the bytes.
 *
 * Retries: a request that failed before any response arrived is sent again up to `maxRetries` times,
 * if it is idempotent and its entity can be replayed (strict). Errors that sending again cannot fix
 * (invalid arguments, an aborted or closed pool) are not retried.
 */
import type { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import { type Materializer, StreamConverters } from '@tributary/core';
import { type Dispatcher, Pool } from 'undici';
import type { ConnectionPoolSettings } from '../ConnectionPoolSettings.js';
import { HttpEntity, StrictEntity } from '../HttpEntity.js';
import { receivedHeaders } from '../HttpHeaders.js';
import type { HttpRequest } from '../HttpRequest.js';
import { HttpResponse } from '../HttpResponse.js';
import { ConnectionEntity } from './ConnectionEntity.js';

const Idempotent = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);
const NotRetriable = new Set(['UND_ERR_ABORTED', 'UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'UND_ERR_CLOSED', 'UND_ERR_DESTROYED', 'ABORT_ERR']);

/** An undici pool for `origin` shaped by the settings: one request per connection at a time (no pipelining). */
export function createPool(origin: string, settings: ConnectionPoolSettings): Pool {
  return new Pool(origin, {
    connections: settings.maxConnections,
    pipelining: 1,
    keepAliveTimeout: settings.idleTimeoutMs,
    keepAliveMaxTimeout: settings.idleTimeoutMs,
    connect: { timeout: settings.connectTimeoutMs },
  });
}

/** Where a request goes: the pool's origin and the request target (path and query). */
export interface Target {
  readonly origin: string;
  readonly path: string;
}

/**
 * Where a request goes: a path (`/items?page=2`) is taken as it is on the pool's own origin (the
 * common case of a host pool, without parsing a URL per request); anything else must be an absolute
 * http(s) URL — on `origin`, when the pool has one.
 */
export function resolveTarget(where: string, request: HttpRequest, origin: string | undefined): Target {
  const raw = request.url;
  if (origin !== undefined && raw.charCodeAt(0) === 47 && raw.charCodeAt(1) !== 47) return { origin, path: raw };
  let url: URL;
  try {
    url = origin === undefined ? new URL(raw) : new URL(raw, origin);
  } catch {
    throw new TypeError(`${where}: ${request.method} ${raw} does not have an absolute http(s) URL${origin === undefined ? '' : ` (nor a path on ${origin})`}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`${where}: ${request.method} ${raw} is not an http: or https: URL`);
  if (origin !== undefined && url.origin !== origin) throw new TypeError(`${where}: ${request.method} ${raw} is not on this pool's origin ${origin}`);
  return { origin: url.origin, path: url.pathname + url.search };
}

/** `GET http://host:port/path`, for messages. */
export function describeExchange(request: HttpRequest, target: Target): string {
  return `${request.method} ${target.origin}${target.path}`;
}

/**
 * Aborts one request. undici accepts any EventEmitter-like signal (`aborted`, `once`/`removeListener`
 * of 'abort') and registers exactly one listener; this is the smallest such object — an
 * `AbortController` per request costs several times more, and a pool needs nothing else.
 */
export class AbortHandle {
  aborted = false;
  private listener: (() => void) | null = null;

  on(_event: 'abort', listener: () => void): this {
    this.listener = listener;
    return this;
  }

  once(event: 'abort', listener: () => void): this {
    return this.on(event, listener);
  }

  removeListener(_event: 'abort', listener: () => void): this {
    if (this.listener === listener) this.listener = null;
    return this;
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const listener = this.listener;
    this.listener = null;
    listener?.();
  }
}

export function isRetriable(request: HttpRequest): boolean {
  return Idempotent.has(request.method) && request.entity instanceof StrictEntity;
}

function retryable(error: unknown): boolean {
  if (error instanceof TypeError) return false;
  const code = (error as { code?: unknown } | null)?.code;
  const name = (error as { name?: unknown } | null)?.name;
  return !(typeof code === 'string' && NotRetriable.has(code)) && name !== 'AbortError';
}

/** Sends `request`, retrying as the settings allow; the response's entity streams from the connection. */
export function send(
  pool: Pool,
  request: HttpRequest,
  target: Target,
  settings: ConnectionPoolSettings,
  materializer: Materializer,
  signal?: AbortHandle,
): Promise<HttpResponse> {
  const retries = isRetriable(request) ? settings.maxRetries : 0;
  const first = sendOnce(pool, request, target, materializer, signal);
  return retries === 0 ? first : first.catch((e: unknown) => retry(e, 1, retries, pool, request, target, materializer, signal));
}

function retry(
  error: unknown,
  attempt: number,
  retries: number,
  pool: Pool,
  request: HttpRequest,
  target: Target,
  materializer: Materializer,
  signal: AbortHandle | undefined,
): Promise<HttpResponse> {
  if (attempt > retries || signal?.aborted === true || !retryable(error)) return Promise.reject(error);
  return sendOnce(pool, request, target, materializer, signal).catch((e: unknown) =>
    retry(e, attempt + 1, retries, pool, request, target, materializer, signal),
  );
}

function sendOnce(pool: Pool, request: HttpRequest, target: Target, materializer: Materializer, signal: AbortHandle | undefined): Promise<HttpResponse> {
  const entity = request.entity;
  let headers = request.headers as Record<string, string | string[]>;
  let body: Buffer | Readable | null = null;
  if (entity instanceof StrictEntity) {
    const length = entity.data.length;
    if (length > 0 || !bodylessMethod(request.method)) {
      headers = { ...headers, 'content-length': String(length) };
      if (length > 0) body = entity.data;
    }
  } else {
    headers = { ...headers };
    if (entity.contentLength !== undefined) headers['content-length'] = String(entity.contentLength);
    else delete headers['content-length'];
    body = entity.dataBytes.runWith(StreamConverters.asReadable<Buffer>(), materializer);
  }
  if (entity.contentType !== undefined && headers['content-type'] === undefined) headers = { ...headers, 'content-type': entity.contentType };
  let pending: Promise<Dispatcher.ResponseData>;
  try {
    pending = pool.request({
      path: target.path,
      method: request.method as Dispatcher.HttpMethod,
      headers,
      body,
      signal: (signal ?? null) as EventEmitter | null,
      idempotent: Idempotent.has(request.method),
    });
  } catch (e) {
    pending = Promise.reject(e);
  }
  return pending.then(
    (data) => toResponse(data, request, target),
    (e: unknown) => {
      if (body !== null && !Buffer.isBuffer(body) && !body.destroyed) body.destroy();
      throw e;
    },
  );
}

function toResponse(data: Dispatcher.ResponseData, request: HttpRequest, target: Target): HttpResponse {
  const responseHeaders = receivedHeaders(data.headers);
  const length = responseHeaders['content-length'];
  const declared = typeof length === 'string' ? Number(length) : undefined;
  if (request.method === 'HEAD' || data.statusCode === 204 || data.statusCode === 304 || declared === 0) {
    // No bytes can follow: let undici finish the exchange by itself.
    data.body.on('error', ignore);
    data.body.resume();
    return HttpResponse._received(data.statusCode, responseHeaders, HttpEntity.empty);
  }
  const contentType = responseHeaders['content-type'];
  const entity = new ConnectionEntity(data.body, {
    contentType: typeof contentType === 'string' ? contentType : undefined,
    contentLength: declared !== undefined && Number.isSafeInteger(declared) ? declared : undefined,
    maxBytes: Infinity,
    limitName: describeExchange(request, target),
    abandon: destroyBody,
  });
  return HttpResponse._received(data.statusCode, responseHeaders, entity);
}

const ignore = (): void => {};
const destroyBody = (body: Readable): void => {
  body.destroy();
};

function bodylessMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'DELETE' || method === 'OPTIONS' || method === 'TRACE';
}
