import { HttpEntity, type HttpEntityLike } from './HttpEntity.js';
import { firstHeader, type HttpHeaders, type HttpHeadersInit, normalizeHeaders } from './HttpHeaders.js';
import { describeValue } from './internal/validate.js';

export interface HttpRequestInit {
  /** Default `GET`; upper-cased. */
  readonly method?: string;
  /** Client: an absolute URL (or a path, for `hostConnectionPool`). Server: the request target as received. */
  readonly url: string | URL;
  readonly headers?: HttpHeadersInit;
  /** Default: the empty entity. Strings and bytes become strict entities. */
  readonly entity?: HttpEntityLike;
}

const Token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * An HTTP request (Akka HTTP's `HttpRequest`), immutable. On the client, `url` is where it goes; on the
 * server, `url` is the request target exactly as received (path and query, e.g. `/items?page=2`).
 * Header names are lower case.
 *
 * @example
 * const req = new HttpRequest({ method: 'PUT', url: 'http://localhost:8080/items/1', headers: { 'x-trace': 'a1' }, entity: HttpEntity.strict('{}', 'application/json') });
 */
export class HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: HttpHeaders;
  readonly entity: HttpEntity;

  constructor(init: HttpRequestInit) {
    if (init === null || typeof init !== 'object')
      throw new TypeError(`new HttpRequest: expected { method, url, headers, entity }, got ${describeValue(init)}`);
    const method = init.method ?? 'GET';
    if (typeof method !== 'string' || !Token.test(method))
      throw new TypeError(`new HttpRequest: method must be an HTTP method token like "GET", got ${describeValue(method)}`);
    const url = init.url instanceof URL ? init.url.href : init.url;
    if (typeof url !== 'string' || url.length === 0 || /[\s\0]/.test(url)) {
      throw new TypeError(`new HttpRequest: url must be a non-empty URL or request target without whitespace, got ${describeValue(init.url)}`);
    }
    this.method = method.toUpperCase();
    this.url = url;
    this.headers = normalizeHeaders('new HttpRequest', init.headers);
    this.entity = HttpEntity.of('new HttpRequest', init.entity);
  }

  /** @internal A request as read from the network: trusted parts, no re-validation per request. */
  static _received(method: string, url: string, headers: HttpHeaders, entity: HttpEntity): HttpRequest {
    const r = Object.create(HttpRequest.prototype) as { -readonly [K in keyof HttpRequest]: HttpRequest[K] };
    r.method = method;
    r.url = url;
    r.headers = headers;
    r.entity = entity;
    return r as HttpRequest;
  }

  /** A `GET` of `url`. */
  static get(url: string | URL, headers?: HttpHeadersInit): HttpRequest {
    return new HttpRequest(headers === undefined ? { url } : { url, headers });
  }

  /** A `POST` of `entity` to `url`. */
  static post(url: string | URL, entity: HttpEntityLike, headers?: HttpHeadersInit): HttpRequest {
    return new HttpRequest(headers === undefined ? { method: 'POST', url, entity } : { method: 'POST', url, entity, headers });
  }

  /** A `PUT` of `entity` to `url`. */
  static put(url: string | URL, entity: HttpEntityLike, headers?: HttpHeadersInit): HttpRequest {
    return new HttpRequest(headers === undefined ? { method: 'PUT', url, entity } : { method: 'PUT', url, entity, headers });
  }

  /** A `DELETE` of `url`. */
  static delete(url: string | URL, headers?: HttpHeadersInit): HttpRequest {
    return new HttpRequest(headers === undefined ? { method: 'DELETE', url } : { method: 'DELETE', url, headers });
  }

  /** The first value of a header (name in any case), or undefined. */
  header(name: string): string | undefined {
    return firstHeader(this.headers, name.toLowerCase());
  }

  /** The same request with these headers instead. */
  withHeaders(headers: HttpHeadersInit): HttpRequest {
    return new HttpRequest({ method: this.method, url: this.url, headers, entity: this.entity });
  }

  /** The same request with another entity. */
  withEntity(entity: HttpEntityLike): HttpRequest {
    return new HttpRequest({ method: this.method, url: this.url, headers: this.headers, entity });
  }

  /** The same request to another URL. */
  withUrl(url: string | URL): HttpRequest {
    return new HttpRequest({ method: this.method, url, headers: this.headers, entity: this.entity });
  }

  /** Shortcut for `entity.discardBytes()`. */
  discardEntityBytes(): Promise<void> {
    return this.entity.discardBytes();
  }

  toString(): string {
    return `HttpRequest(${this.method} ${this.url})`;
  }
}
