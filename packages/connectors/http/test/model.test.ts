/** The message model and the settings: construction, defaults, immutability, and clear errors for bad input. */

import { Sink, Source, TimeoutError } from '@tributary/core';
import { ConnectionPoolSettings, EntityStreamSizeError, HttpEntity, HttpRequest, HttpResponse, ServerSettings, StrictEntity } from '@tributary/http';
import { describe, expect, it } from 'vitest';

describe('HttpRequest', () => {
  it('builds requests with lower-case header names, upper-case methods and strict entities from strings', () => {
    const r = new HttpRequest({
      method: 'patch',
      url: new URL('http://h/p?q=1'),
      headers: { 'X-Trace': 'a', Accept: ['x', 'y'], 'Content-Length': 3 },
      entity: 'abc',
    });
    expect(r.method).toBe('PATCH');
    expect(r.url).toBe('http://h/p?q=1');
    expect(r.headers).toEqual({ 'x-trace': 'a', accept: ['x', 'y'], 'content-length': '3' });
    expect(r.header('X-TRACE')).toBe('a');
    expect(r.entity).toBeInstanceOf(StrictEntity);
    expect(r.entity.contentType).toBe('text/plain; charset=utf-8');
    expect(Object.isFrozen(r.headers)).toBe(true);
    expect(HttpRequest.get('http://h/').method).toBe('GET');
    expect(HttpRequest.get('http://h/').entity.isKnownEmpty).toBe(true);
    expect(HttpRequest.post('http://h/', new Uint8Array([1, 2])).entity.contentType).toBe('application/octet-stream');
    expect(HttpRequest.get('http://h/').withHeaders({ A: 'b' }).headers).toEqual({ a: 'b' });
    expect(String(HttpRequest.delete('http://h/x'))).toBe('HttpRequest(DELETE http://h/x)');
  });

  it('merges header names that differ only in case', () => {
    expect(new HttpRequest({ url: '/', headers: { 'X-A': '1', 'x-a': ['2', '3'] } }).headers).toEqual({ 'x-a': ['1', '2', '3'] });
  });

  it('rejects bad input at construction, naming what is wrong', () => {
    expect(() => new HttpRequest({ method: 'GE T', url: '/' })).toThrow('new HttpRequest: method must be an HTTP method token like "GET", got "GE T"');
    expect(() => new HttpRequest({ url: '' })).toThrow('new HttpRequest: url must be a non-empty URL or request target without whitespace, got ""');
    expect(() => new HttpRequest({ url: '/', headers: { 'bad name': 'x' } })).toThrow('new HttpRequest: header name "bad name" is not a valid HTTP token');
    expect(() => new HttpRequest({ url: '/', headers: { 'x-split': 'a\r\nInjected: 1' } })).toThrow(
      'new HttpRequest: header "x-split" contains a line break or NUL, which HTTP does not allow',
    );
    expect(() => new HttpRequest({ url: '/', headers: { 'x-obj': {} as never } })).toThrow(
      'new HttpRequest: header "x-obj" must have string values, got an object (Object)',
    );
    expect(() => new HttpRequest({ url: '/', entity: 42 as never })).toThrow('new HttpRequest: entity must be an HttpEntity, a string or a Uint8Array, got 42');
  });
});

describe('HttpResponse', () => {
  it('has ok/status shortcuts with reason phrases', async () => {
    const ok = HttpResponse.ok('hi', { 'Cache-Control': 'no-store' });
    expect(ok.status).toBe(200);
    expect(ok.headers).toEqual({ 'cache-control': 'no-store' });
    expect(await ok.entity.text()).toBe('hi');
    const nf = HttpResponse.status(404);
    expect(nf.statusText).toBe('Not Found');
    expect(await nf.entity.text()).toBe('Not Found');
    expect(new HttpResponse().status).toBe(200);
  });

  it('rejects a status outside 100..999', () => {
    expect(() => new HttpResponse({ status: 99 })).toThrow('new HttpResponse: status must be an integer from 100 to 999, got 99');
    expect(() => new HttpResponse({ status: 200.5 })).toThrow('got 200.5');
  });
});

describe('HttpEntity', () => {
  it('strict: reads any number of times, in every form', async () => {
    const e = HttpEntity.strict('{"a":[1,2]}', 'application/json');
    expect(e.kind).toBe('strict');
    expect(e.contentLength).toBe(11);
    expect(await e.json()).toEqual({ a: [1, 2] });
    expect(await e.text()).toBe('{"a":[1,2]}');
    expect((await e.toStrict(100)).toString()).toBe('{"a":[1,2]}');
    expect(Buffer.concat(await e.dataBytes.runWith(Sink.seq())).toString()).toBe('{"a":[1,2]}');
    await expect(e.toStrict(100, 5)).rejects.toBeInstanceOf(EntityStreamSizeError);
    await e.discardBytes();
  });

  it('decodes text with the charset of its content type', async () => {
    expect(await HttpEntity.strict(Buffer.from('caf\xe9', 'latin1'), 'text/plain; charset=ISO-8859-1').text()).toBe('café');
    expect(await HttpEntity.strict(Buffer.from('café', 'utf8'), 'text/plain').text()).toBe('café');
  });

  it('streamed: collects, enforces maxBytes as bytes arrive, and times out', async () => {
    const e = HttpEntity.streamed(
      Source.from(['ab', 'cd', 'ef']).map((s) => Buffer.from(s)),
      'text/plain',
    );
    expect(e.kind).toBe('streamed');
    expect(e.contentLength).toBeUndefined();
    expect(await e.text()).toBe('abcdef');
    expect(await e.text()).toBe('abcdef'); // a source given by the application can be run again
    await expect(e.toStrict(1000, 4)).rejects.toThrow('HttpEntity.toStrict: the entity is larger than the limit of 4 bytes');
    const slow = HttpEntity.streamed(Source.single(Buffer.from('late')).delay(500));
    const err = await slow.toStrict(50).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toBe('HttpEntity.toStrict: the entity did not arrive completely within 50 ms');
  });

  it('streamed: fails a stream whose elements are not bytes', async () => {
    const e = HttpEntity.streamed(Source.from(['text'] as unknown as Uint8Array[]));
    await expect(e.text()).rejects.toThrow('HttpEntity.streamed: the source must emit Uint8Array/Buffer chunks, got "text"');
  });

  it('rejects bad arguments at once', async () => {
    expect(() => HttpEntity.strict(5 as never)).toThrow('HttpEntity.strict: data must be a string or a Uint8Array/Buffer, got 5');
    expect(() => HttpEntity.strict('x', '')).toThrow('HttpEntity.strict: contentType must be a non-empty media type like "application/json", got ""');
    expect(() => HttpEntity.streamed([] as never)).toThrow('HttpEntity.streamed: source must be a Source of Uint8Array, got an array');
    await expect(HttpEntity.strict('x').toStrict(0)).rejects.toThrow('HttpEntity.toStrict: timeoutMs must be a positive finite number of milliseconds, got 0');
    await expect(HttpEntity.strict('x').text({ maxBytes: -1 })).rejects.toThrow(
      'HttpEntity.text: maxBytes must be a non-negative integer number of bytes or Infinity, got -1',
    );
  });
});

describe('settings', () => {
  it('ConnectionPoolSettings: Akka HTTP defaults, immutable withX()', () => {
    const d = ConnectionPoolSettings.default;
    expect([d.maxConnections, d.maxOpenRequests, d.maxRetries, d.idleTimeoutMs, d.responseEntitySubscriptionTimeoutMs]).toEqual([4, 32, 5, 30_000, 1000]);
    const s = d.withMaxConnections(8).withMaxOpenRequests(64).withMaxRetries(0).withIdleTimeoutMs(5000).withResponseEntitySubscriptionTimeoutMs(250);
    expect([s.maxConnections, s.maxOpenRequests, s.maxRetries, s.idleTimeoutMs, s.responseEntitySubscriptionTimeoutMs]).toEqual([8, 64, 0, 5000, 250]);
    expect(d.maxConnections).toBe(4);
    expect(Object.isFrozen(s)).toBe(true);
    expect(() => d.withMaxConnections(1.5)).toThrow('ConnectionPoolSettings.withMaxConnections: maxConnections must be a positive integer, got 1.5');
    expect(() => d.withMaxRetries(-1)).toThrow('ConnectionPoolSettings.withMaxRetries: maxRetries must be a non-negative integer, got -1');
    expect(() => d.withIdleTimeoutMs(Infinity)).toThrow(
      'ConnectionPoolSettings.withIdleTimeoutMs: idleTimeoutMs must be a positive finite number of milliseconds, got Infinity',
    );
    expect(() => d.withLogger({} as never)).toThrow(
      'ConnectionPoolSettings.withLogger: logger must have warn and error methods (like console), got an object (Object)',
    );
  });

  it('ServerSettings: defaults, immutable withX()', () => {
    const d = ServerSettings.default;
    expect([d.maxConnections, d.idleTimeoutMs, d.requestTimeoutMs, d.maxRequestEntityBytes, d.pipeliningLimit]).toEqual([
      1024,
      60_000,
      20_000,
      8 * 1024 * 1024,
      16,
    ]);
    const s = d.withMaxConnections(10).withIdleTimeoutMs(1000).withRequestTimeoutMs(500).withMaxRequestEntityBytes(Infinity).withPipeliningLimit(1);
    expect([s.maxConnections, s.idleTimeoutMs, s.requestTimeoutMs, s.maxRequestEntityBytes, s.pipeliningLimit]).toEqual([10, 1000, 500, Infinity, 1]);
    expect(d.maxConnections).toBe(1024);
    expect(() => d.withMaxRequestEntityBytes(-5)).toThrow(
      'ServerSettings.withMaxRequestEntityBytes: maxRequestEntityBytes must be a non-negative integer number of bytes or Infinity, got -5',
    );
  });
});
