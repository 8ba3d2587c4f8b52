/**
 * One request/response exchange on the server: turn Node's `IncomingMessage` into an `HttpRequest`
 * (its entity a back-pressured source over the socket), obtain the response from the application, and
 * write it back — strict entities in one `end()`, streamed ones only as fast as the socket drains.
 *
 * Everything that can go wrong ends in a response, never in a hanging socket:
 * - declared body longer than `maxRequestEntityBytes` → 413 without calling the application;
 * - the application throws or rejects → 500 (413 if it failed because the body was too long);
 * - no response after `requestTimeoutMs` → 503; the late response, when it comes, is discarded;
 * - the application returns something that is not an `HttpResponse` → 500.
 *
 * A connection is closed after its response (`connection: close`) when the server is terminating, when
 * the connection's handler flow has ended, or when the request body was not read to its end — reading
 * the rest just to throw it away would let any client make the server swallow unbounded input.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Cancellable, Keep, type Materializer, type Scheduler } from '@tributary/core';
import { EntityStreamSizeError } from '../errors.js';
import { HttpEntity, StrictEntity } from '../HttpEntity.js';
import { receivedHeaders } from '../HttpHeaders.js';
import { HttpRequest } from '../HttpRequest.js';
import { HttpResponse } from '../HttpResponse.js';
import type { ServerSettings } from '../ServerSettings.js';
import { ConnectionEntity } from './ConnectionEntity.js';
import { ResponseBodySink } from './ResponseBodySink.js';
import { describeValue } from './validate.js';

export interface ExchangeContext {
  readonly settings: ServerSettings;
  readonly scheduler: Scheduler;
  readonly materializer: Materializer;
  /** Responses must close their connection (server terminating, or the connection's handler ended). */
  mustClose(): boolean;
}

export type Produce = (request: HttpRequest) => HttpResponse | PromiseLike<HttpResponse>;

const TimeoutText = 'The server was not able to produce a timely response to your request.\r\nPlease try again in a short while!';
const ErrorText = 'There was an internal server error.';

export class Exchange {
  private responded = false;
  private timer: Cancellable | null = null;
  private abandoned = false;
  private readonly entity: HttpEntity;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly ctx: ExchangeContext,
  ) {
    this.entity = this.requestEntity();
  }

  run(produce: Produce): void {
    const settings = this.ctx.settings;
    const declared = this.entity.contentLength;
    if (declared !== undefined && declared > settings.maxRequestEntityBytes) {
      this.respondWith(
        HttpResponse.status(413, `Request Content-Length of ${declared} bytes exceeds the configured limit of ${settings.maxRequestEntityBytes} bytes`),
        true,
      );
      return;
    }
    const request = HttpRequest._received(this.req.method!, this.req.url!, receivedHeaders(this.req.headers), this.entity);
    this.timer = this.ctx.scheduler.scheduleOnce(settings.requestTimeoutMs, () => this.timedOut());
    let result: HttpResponse | PromiseLike<HttpResponse>;
    try {
      result = produce(request);
    } catch (e) {
      this.failed(e);
      return;
    }
    if (result instanceof HttpResponse) this.respond(result);
    else if (result !== null && typeof (result as PromiseLike<HttpResponse>)?.then === 'function') {
      (result as PromiseLike<HttpResponse>).then(
        (r) => this.respond(r),
        (e: unknown) => this.failed(e),
      );
    } else this.respond(result);
  }

  private requestEntity(): HttpEntity {
    const headers = this.req.headers;
    const length = headers['content-length'];
    if (headers['transfer-encoding'] === undefined && (length === undefined || length === '0')) return HttpEntity.empty;
    const declared = length === undefined ? undefined : Number(length);
    return new ConnectionEntity(this.req, {
      contentType: headers['content-type'],
      contentLength: declared !== undefined && Number.isSafeInteger(declared) ? declared : undefined,
      maxBytes: this.ctx.settings.maxRequestEntityBytes,
      limitName: 'ServerSettings.maxRequestEntityBytes',
      abandon: () => this.requestAbandoned(),
    });
  }

  /** The application stopped reading the body before its end: this connection cannot carry another request. */
  private requestAbandoned(): void {
    this.abandoned = true;
    if (this.req.complete) return;
    if (this.res.writableFinished) this.req.socket.destroy();
    else this.res.once('finish', () => this.req.socket.destroy());
  }

  private respond(response: unknown): void {
    if (this.responded) {
      // The request timed out (503 went out): the late response's entity must still be released.
      if (response instanceof HttpResponse) void response.entity.discardBytes().catch(() => {});
      return;
    }
    if (!(response instanceof HttpResponse)) {
      this.failed(new TypeError(`HTTP server: the handler must produce an HttpResponse, got ${describeValue(response)}`));
      return;
    }
    this.respondWith(response, false);
  }

  private failed(error: unknown): void {
    if (this.responded) {
      this.ctx.settings.logger.error(`HTTP server: the handler failed for ${this.req.method} ${this.req.url} after its request was answered`, error);
      return;
    }
    if (error instanceof EntityStreamSizeError) {
      this.respondWith(HttpResponse.status(413, error.message), true);
      return;
    }
    this.ctx.settings.logger.error(`HTTP server: the handler failed for ${this.req.method} ${this.req.url}; answering 500`, error);
    this.respondWith(HttpResponse.status(500, ErrorText), false);
  }

  /** The response closed (sent, or the connection went away): no timer may outlive it. */
  closed(): void {
    this.timer?.cancel();
    this.timer = null;
    this.responded = true;
  }

  private timedOut(): void {
    this.timer = null;
    if (this.responded) return;
    this.ctx.settings.logger.warn(
      `HTTP server: no response to ${this.req.method} ${this.req.url} within requestTimeoutMs=${this.ctx.settings.requestTimeoutMs}; answering 503`,
    );
    this.respondWith(HttpResponse.status(503, TimeoutText), false);
  }

  private respondWith(response: HttpResponse, close: boolean): void {
    this.responded = true;
    this.timer?.cancel();
    this.timer = null;
    const res = this.res;
    if (res.destroyed || res.headersSent) {
      void response.entity.discardBytes().catch(() => {});
      return;
    }
    const entity = response.entity;
    const headers: Record<string, string | readonly string[]> = { ...response.headers };
    if (entity.contentType !== undefined && headers['content-type'] === undefined) headers['content-type'] = entity.contentType;
    if (entity.contentLength !== undefined) headers['content-length'] = String(entity.contentLength);
    else delete headers['content-length'];
    if (close || this.mustCloseAfter()) headers['connection'] = 'close';
    try {
      res.writeHead(response.status, headers as Record<string, string | string[]>);
    } catch (e) {
      this.ctx.settings.logger.error(`HTTP server: could not write the response head for ${this.req.method} ${this.req.url}`, e);
      void entity.discardBytes().catch(() => {});
      res.destroy();
      return;
    }
    const bodyless = this.req.method === 'HEAD' || response.status === 204 || response.status === 304;
    if (entity instanceof StrictEntity || bodyless) {
      if (bodyless || !(entity instanceof StrictEntity)) {
        res.end();
        void entity.discardBytes().catch(() => {});
      } else res.end(entity.data);
      return;
    }
    res.flushHeaders();
    entity.dataBytes
      .toMat(new ResponseBodySink(res), Keep.right)
      .run(this.ctx.materializer)
      .catch((e: unknown) =>
        this.ctx.settings.logger.warn(
          `HTTP server: the streamed entity of the response to ${this.req.method} ${this.req.url} failed; the response was cut off`,
          e,
        ),
      );
  }

  private mustCloseAfter(): boolean {
    if (this.ctx.mustClose() || this.abandoned) return true;
    const entity = this.entity;
    return entity instanceof ConnectionEntity && !this.req.complete && !entity.isClaimed;
  }
}

export function serveExchange(req: IncomingMessage, res: ServerResponse, produce: Produce, ctx: ExchangeContext): Exchange {
  const exchange = new Exchange(req, res, ctx);
  exchange.run(produce);
  return exchange;
}

/** Answers a request without involving the application (terminating server, ended handler flow). */
export function refuse(req: IncomingMessage, res: ServerResponse, status: number, text: string): void {
  req.resume();
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), connection: 'close' });
  res.end(text);
}

export { ErrorText, TimeoutText };
