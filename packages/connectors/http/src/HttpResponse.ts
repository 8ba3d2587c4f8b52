import { STATUS_CODES } from 'node:http';
import { HttpEntity, type HttpEntityLike } from './HttpEntity.js';
import { firstHeader, type HttpHeaders, type HttpHeadersInit, normalizeHeaders } from './HttpHeaders.js';
import { describeValue } from './internal/validate.js';

export interface HttpResponseInit {
  /** Default 200. */
  readonly status?: number;
  readonly headers?: HttpHeadersInit;
  /** Default: the empty entity. Strings and bytes become strict entities. */
  readonly entity?: HttpEntityLike;
}

/**
 * An HTTP response (Akka HTTP's `HttpResponse`), immutable. Header names are lower case. A response a
 * client received carries its entity straight from the connection: read it or call
 * `discardEntityBytes()` (see `ConnectionPoolSettings.responseEntitySubscriptionTimeoutMs`).
 *
 * @example HttpResponse.ok(HttpEntity.strict(JSON.stringify(items), 'application/json'))
 */
export class HttpResponse {
  readonly status: number;
  readonly headers: HttpHeaders;
  readonly entity: HttpEntity;

  constructor(init: HttpResponseInit = {}) {
    if (init === null || typeof init !== 'object') throw new TypeError(`new HttpResponse: expected { status, headers, entity }, got ${describeValue(init)}`);
    const status = init.status ?? 200;
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 999) {
      throw new RangeError(`new HttpResponse: status must be an integer from 100 to 999, got ${describeValue(status)}`);
    }
    this.status = status;
    this.headers = normalizeHeaders('new HttpResponse', init.headers);
    this.entity = HttpEntity.of('new HttpResponse', init.entity);
  }

  /** @internal A response as read from the network: trusted parts, no re-validation per response. */
  static _received(status: number, headers: HttpHeaders, entity: HttpEntity): HttpResponse {
    const r = Object.create(HttpResponse.prototype) as { -readonly [K in keyof HttpResponse]: HttpResponse[K] };
    r.status = status;
    r.headers = headers;
    r.entity = entity;
    return r as HttpResponse;
  }

  /** A `200 OK` with `entity` (a string is sent as `text/plain; charset=utf-8`). */
  static ok(entity?: HttpEntityLike, headers?: HttpHeadersInit): HttpResponse {
    return new HttpResponse(headers === undefined ? (entity === undefined ? {} : { entity }) : entity === undefined ? { headers } : { entity, headers });
  }

  /** A response with `status` and, by default, its reason phrase as a plain-text entity. */
  static status(status: number, entity?: HttpEntityLike, headers?: HttpHeadersInit): HttpResponse {
    const body = entity ?? STATUS_CODES[status] ?? '';
    return new HttpResponse(headers === undefined ? { status, entity: body } : { status, entity: body, headers });
  }

  /** The standard reason phrase of the status (`'Not Found'` for 404), or `''`. */
  get statusText(): string {
    return STATUS_CODES[this.status] ?? '';
  }

  /** The first value of a header (name in any case), or undefined. */
  header(name: string): string | undefined {
    return firstHeader(this.headers, name.toLowerCase());
  }

  /** The same response with these headers instead. */
  withHeaders(headers: HttpHeadersInit): HttpResponse {
    return new HttpResponse({ status: this.status, headers, entity: this.entity });
  }

  /** The same response with another entity. */
  withEntity(entity: HttpEntityLike): HttpResponse {
    return new HttpResponse({ status: this.status, headers: this.headers, entity });
  }

  /** Shortcut for `entity.discardBytes()`: read and drop the body so its connection can serve the next request. */
  discardEntityBytes(): Promise<void> {
    return this.entity.discardBytes();
  }

  toString(): string {
    return `HttpResponse(${this.status} ${this.statusText})`;
  }
}
