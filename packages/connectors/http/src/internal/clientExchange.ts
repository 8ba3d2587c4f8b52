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
import type { Readable } from 'node:stream';
import { type Materializer, StreamConverters } from '@tributary/core';
import { Pool } from 'undici';
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

/** The absolute URL of a request (relative targets resolved against `origin`), or an error saying why not. */
export function targetUrl(where: string, request: HttpRequest, origin: string | undefined): URL {
  let url: URL;
  try {
    url = origin === undefined ? new URL(request.url) : new URL(request.url, origin);
  } catch {
    throw new TypeError(`${where}: ${request.method} ${request.url} does not have an absolute http(s) URL${origin === undefined ? '' : ` (nor a path on ${origin})`}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`${where}: ${request.method} ${request.url} is not an http: or https: URL`);
  if (origin !== undefined && url.origin !== origin) throw new TypeError(`${where}: ${request.method} ${request.url} is not on this pool's origin ${origin}`);
  return url;
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
export async function send(pool: Pool, request: HttpRequest, url: URL, settings: ConnectionPoolSettings, materializer: Materializer, signal?: AbortSignal): Promise<HttpResponse> {
  const retries = isRetriable(request) ? settings.maxRetries : 0;
  for (let attempt = 0; ; attempt++) {
    try {
      return await sendOnce(pool, request, url, materializer, signal);
    } catch (e) {
      if (attempt >= retries || signal?.aborted === true || !retryable(e)) throw e;
    }
  }
}

async function sendOnce(pool: Pool, request: HttpRequest, url: URL, materializer: Materializer, signal: AbortSignal | undefined): Promise<HttpResponse> {
  const entity = request.entity;
  const headers: Record<string, string | string[]> = { ...(request.headers as Record<string, string | string[]>) };
  if (entity.contentType !== undefined && headers['content-type'] === undefined) headers['content-type'] = entity.contentType;
  let body: Buffer | Readable | null = null;
  if (entity instanceof StrictEntity) {
    if (entity.data.length > 0 || !bodylessMethod(request.method)) {
      body = entity.data.length > 0 ? entity.data : null;
      headers['content-length'] = String(entity.data.length);
    }
  } else {
    if (entity.contentLength !== undefined) headers['content-length'] = String(entity.contentLength);
    else delete headers['content-length'];
    body = entity.dataBytes.runWith(StreamConverters.asReadable<Buffer>(), materializer);
  }
  let data;
  try {
    data = await pool.request({
      path: url.pathname + url.search,
      method: request.method as 'GET',
      headers,
      body,
      signal: signal ?? null,
      idempotent: Idempotent.has(request.method),
    });
  } catch (e) {
    if (body !== null && !Buffer.isBuffer(body) && !body.destroyed) body.destroy();
    throw e;
  }
  const responseHeaders = receivedHeaders(data.headers);
  const length = responseHeaders['content-length'];
  const declared = typeof length === 'string' ? Number(length) : undefined;
  if (request.method === 'HEAD' || data.statusCode === 204 || data.statusCode === 304 || declared === 0) {
    // No bytes can follow: let undici finish the exchange by itself.
    data.body.resume();
    data.body.on('error', () => {});
    return HttpResponse._received(data.statusCode, responseHeaders, HttpEntity.empty);
  }
  const contentType = responseHeaders['content-type'];
  const entityOut = new ConnectionEntity(data.body, {
    contentType: typeof contentType === 'string' ? contentType : undefined,
    contentLength: declared !== undefined && Number.isSafeInteger(declared) ? declared : undefined,
    maxBytes: Infinity,
    limitName: `${request.method} ${url.href}`,
    abandon: (b) => b.destroy(),
  });
  return HttpResponse._received(data.statusCode, responseHeaders, entityOut);
}

function bodylessMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'DELETE' || method === 'OPTIONS' || method === 'TRACE';
}
