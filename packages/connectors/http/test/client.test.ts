/**
 * The client against real servers on loopback: our own server where it behaves, and hand-written
 * `node:http`/`net` servers where the test needs a server that misbehaves (closing mid-response,
 * dropping connections).
 */
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { Keep, Sink, Source } from '@tributary/core';
import {
  ConnectionPoolSettings,
  EntityConsumedError,
  EntitySubscriptionTimeoutError,
  Http,
  HttpEntity,
  HttpRequest,
  HttpResponse,
  PoolOverflowError,
  type Result,
  type ServerBinding,
  ServerSettings,
} from '@tributary/http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { activeResources, expectNoLeaks, sleep } from './helpers.js';

const quiet = { warn: () => {}, error: () => {} };
let before: Record<string, number>;
const cleanups: (() => Promise<unknown>)[] = [];

beforeEach(() => {
  before = activeResources();
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await expectNoLeaks(before);
});

async function serve(
  handler: (req: HttpRequest) => HttpResponse | Promise<HttpResponse>,
  settings = ServerSettings.default.withLogger(quiet),
): Promise<string> {
  const binding: ServerBinding = await Http.newServerAt('127.0.0.1', 0).withSettings(settings).bind(handler);
  cleanups.push(() => binding.terminate(500));
  return `http://127.0.0.1:${binding.port}`;
}

async function listen<S extends Server | NetServer>(server: S): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return (server.address() as { port: number }).port;
}

/** A port nothing listens on. */
async function deadPort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('Http.singleRequest', () => {
  it('sends method, headers and entity, and reads status, headers and entity', async () => {
    const url = await serve(
      async (req) =>
        new HttpResponse({
          status: 202,
          headers: { 'x-got': `${req.method} ${req.url} ${req.header('x-trace')} ${req.entity.contentType}` },
          entity: HttpEntity.strict(JSON.stringify({ echo: await req.entity.json() }), 'application/json'),
        }),
    );
    const response = await Http.singleRequest(HttpRequest.post(`${url}/things?x=1`, HttpEntity.strict('{"a":1}', 'application/json'), { 'X-Trace': 't-1' }));
    expect(response.status).toBe(202);
    expect(response.statusText).toBe('Accepted');
    expect(response.header('X-Got')).toBe('POST /things?x=1 t-1 application/json');
    expect(response.entity.contentType).toBe('application/json');
    expect(await response.entity.json()).toEqual({ echo: { a: 1 } });
  });

  it('uploads a streamed entity and downloads a streamed one, chunk by chunk', async () => {
    const url = await serve((req) =>
      HttpResponse.ok(
        HttpEntity.streamed(
          req.entity.dataBytes.map((b) => Buffer.from(b.toString().toUpperCase())),
          'text/plain',
        ),
      ),
    );
    const parts = Array.from({ length: 200 }, (_, i) => `part-${i};`);
    const response = await Http.singleRequest(
      HttpRequest.post(
        `${url}/up`,
        HttpEntity.streamed(
          Source.from(parts).map((p) => Buffer.from(p)),
          'text/plain',
        ),
      ),
    );
    const chunks = await response.entity.dataBytes.runWith(Sink.seq());
    expect(Buffer.concat(chunks).toString()).toBe(parts.join('').toUpperCase());
  });

  it('gives an empty entity for HEAD and 204, and a known length for content-length', async () => {
    const url = await serve((req) => (req.url === '/none' ? new HttpResponse({ status: 204 }) : HttpResponse.ok('0123456789')));
    const head = await Http.singleRequest(new HttpRequest({ method: 'HEAD', url }));
    expect(head.entity.isKnownEmpty).toBe(true);
    expect(head.header('content-length')).toBe('10');
    const none = await Http.singleRequest(HttpRequest.get(`${url}/none`));
    expect(none.status).toBe(204);
    expect(await none.entity.text()).toBe('');
    const full = await Http.singleRequest(HttpRequest.get(url));
    expect(full.entity.contentLength).toBe(10);
    expect(await full.entity.toStrict(1000)).toEqual(Buffer.from('0123456789'));
  });

  it('lets a response entity be read once', async () => {
    const url = await serve(() => HttpResponse.ok('once'));
    const response = await Http.singleRequest(HttpRequest.get(url));
    expect(await response.entity.text()).toBe('once');
    await expect(response.entity.text()).rejects.toBeInstanceOf(EntityConsumedError);
    await expect(response.entity.dataBytes.runWith(Sink.ignore())).rejects.toThrow('can be consumed only once; it was already read');
  });

  it('rejects a refused connection with the network error, after the retries', async () => {
    const port = await deadPort();
    await expect(Http.singleRequest(HttpRequest.get(`http://127.0.0.1:${port}/`))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('discards an entity nobody reads after responseEntitySubscriptionTimeoutMs, with a warning, so the pool is not starved', async () => {
    const url = await serve(() => HttpResponse.ok(HttpEntity.streamed(Source.repeat(Buffer.alloc(1024, 1)).take(1024))));
    const warnings: string[] = [];
    const settings = ConnectionPoolSettings.default
      .withMaxConnections(1)
      .withResponseEntitySubscriptionTimeoutMs(150)
      .withLogger({ warn: (m) => warnings.push(m), error: () => {} });
    const ignored = await Http.singleRequest(HttpRequest.get(`${url}/ignored`), settings);
    // The only connection is held by the unread entity; this request gets through once it is discarded.
    const next = await Http.singleRequest(HttpRequest.get(`${url}/next`), settings);
    expect((await next.entity.toStrict(5000)).length).toBe(1024 * 1024);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`GET ${url}/ignored was not subscribed to within 150 ms`);
    const late = ignored.entity.text();
    await expect(late).rejects.toBeInstanceOf(EntitySubscriptionTimeoutError);
  });

  it('fails fast with PoolOverflowError when maxOpenRequests responses are open', async () => {
    const url = await serve(() => HttpResponse.ok('x'));
    const settings = ConnectionPoolSettings.default.withMaxOpenRequests(2).withResponseEntitySubscriptionTimeoutMs(10_000);
    const a = await Http.singleRequest(HttpRequest.get(url), settings);
    const b = await Http.singleRequest(HttpRequest.get(url), settings);
    await expect(Http.singleRequest(HttpRequest.get(url), settings)).rejects.toBeInstanceOf(PoolOverflowError);
    await a.discardEntityBytes();
    await b.discardEntityBytes();
    expect(await (await Http.singleRequest(HttpRequest.get(url), settings)).entity.text()).toBe('x');
  });

  it('rejects requests it cannot send, naming the problem', async () => {
    await expect(Http.singleRequest(HttpRequest.get('/relative'))).rejects.toThrow('Http.singleRequest: GET /relative does not have an absolute http(s) URL');
    await expect(Http.singleRequest('http://x' as never)).rejects.toThrow('Http.singleRequest: request must be an HttpRequest, got "http://x"');
    expect(() => Http.hostConnectionPool('ftp://example.com')).toThrow(
      'Http.hostConnectionPool: origin must be an http: or https: URL, got "ftp://example.com"',
    );
    expect(() => Http.hostConnectionPool('http://example.com/path')).toThrow('Http.hostConnectionPool: origin must be scheme, host and port only');
    expect(() => ConnectionPoolSettings.default.withMaxOpenRequests(0)).toThrow(
      'ConnectionPoolSettings.withMaxOpenRequests: maxOpenRequests must be a positive integer, got 0',
    );
  });
});

describe('retries', () => {
  /** A server that drops the first `drops` connections as soon as a request arrives, then answers. */
  async function flaky(drops: number): Promise<{ url: string; attempts: () => number }> {
    let attempts = 0;
    const server = createNetServer((socket) => {
      socket.once('data', () => {
        attempts++;
        if (attempts <= drops) socket.destroy();
        else socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
      });
    });
    const port = await listen(server);
    return { url: `http://127.0.0.1:${port}/`, attempts: () => attempts };
  }

  it('retries idempotent requests that failed without a response', async () => {
    const server = await flaky(2);
    const response = await Http.singleRequest(HttpRequest.get(server.url), ConnectionPoolSettings.default.withMaxRetries(3));
    expect(await response.entity.text()).toBe('ok');
    expect(server.attempts()).toBe(3);
  });

  it('gives up after maxRetries', async () => {
    const server = await flaky(5);
    await expect(Http.singleRequest(HttpRequest.get(server.url), ConnectionPoolSettings.default.withMaxRetries(1))).rejects.toThrow();
    expect(server.attempts()).toBe(2);
  });

  it('does not retry non-idempotent requests', async () => {
    const server = await flaky(1);
    await expect(Http.singleRequest(HttpRequest.post(server.url, 'data'))).rejects.toThrow();
    expect(server.attempts()).toBe(1);
  });
});

describe('Http.hostConnectionPool', () => {
  /** A server that counts requests being handled at the same time. */
  async function counting(delayMs: number): Promise<{ url: string; peak: () => number; total: () => number }> {
    let open = 0;
    let peak = 0;
    let total = 0;
    const url = await serve(async (req) => {
      open++;
      total++;
      peak = Math.max(peak, open);
      await sleep(delayMs);
      open--;
      return HttpResponse.ok(req.url);
    });
    return { url, peak: () => peak, total: () => total };
  }

  it('never has more than maxOpenRequests requests open at the server', async () => {
    const server = await counting(20);
    const settings = ConnectionPoolSettings.default.withMaxConnections(16).withMaxOpenRequests(5);
    const results = await Source.range(1, 60)
      .map((i) => [HttpRequest.get(`/r${i}`), i] as const)
      .via(Http.hostConnectionPool<number>(server.url, settings))
      .mapAsyncUnordered(8, async ([r, i]) => {
        if (!r.ok) throw r.error;
        return [i, await r.value.entity.text()] as const;
      })
      .runWith(Sink.seq());
    expect(results.map(([i, body]) => `${i}:${body}`).sort()).toEqual(Array.from({ length: 60 }, (_, k) => `${k + 1}:/r${k + 1}`).sort());
    expect(server.total()).toBe(60);
    expect(server.peak()).toBeLessThanOrEqual(5);
    expect(server.peak()).toBeGreaterThan(1);
  });

  it('uses at most maxConnections connections', async () => {
    const server = await counting(20);
    const settings = ConnectionPoolSettings.default.withMaxConnections(3).withMaxOpenRequests(32);
    await Source.range(1, 40)
      .map((i) => [HttpRequest.get(`/c${i}`), i] as const)
      .via(Http.hostConnectionPool<number>(server.url, settings))
      .mapAsyncUnordered(40, ([r]) => (r.ok ? r.value.discardEntityBytes() : Promise.reject(r.error)))
      .runWith(Sink.ignore());
    expect(server.peak()).toBeLessThanOrEqual(3);
  });

  it('counts a response as open until its entity is read: unread entities hold the pool back', async () => {
    const server = await counting(0);
    const settings = ConnectionPoolSettings.default.withMaxOpenRequests(2).withResponseEntitySubscriptionTimeoutMs(60_000);
    const held: HttpResponse[] = [];
    const [pool, done] = Source.range(1, 5)
      .map((i) => [HttpRequest.get(`/h${i}`), i] as const)
      .viaMat(Http.hostConnectionPool<number>(server.url, settings), Keep.right)
      .toMat(
        Sink.foreach(([r]) => (r.ok ? held.push(r.value) : undefined)),
        Keep.both,
      )
      .run();
    await sleep(300);
    expect(server.total()).toBe(2);
    await held[0]!.discardEntityBytes();
    await sleep(200);
    expect(server.total()).toBe(3);
    while (held.length < 5) {
      await Promise.all(held.map((h) => h.discardEntityBytes().catch(() => {})));
      await sleep(20);
    }
    await Promise.all(held.map((h) => h.discardEntityBytes().catch(() => {})));
    await done;
    await pool.shutdown();
  });

  it('emits responses as they arrive, with the pass-through value telling whose they are', async () => {
    const url = await serve(async (req) => {
      await sleep(req.url === '/slow' ? 300 : 0);
      return HttpResponse.ok(req.url);
    });
    const out = await Source.from(['/slow', '/fast'])
      .map((p) => [HttpRequest.get(p), p] as const)
      .via(Http.hostConnectionPool<string>(url))
      .mapAsync(1, async ([r, p]) => `${p}=${r.ok ? await r.value.entity.text() : 'error'}`)
      .runWith(Sink.seq());
    expect(out).toEqual(['/fast=/fast', '/slow=/slow']);
  });

  it('emits a failed request as a failure result, and goes on', async () => {
    const url = await serve((req) => HttpResponse.ok(req.url));
    const out = await Source.from([`${url}/a`, 'http://other.invalid/b', '/c'])
      .map((u) => [HttpRequest.get(u), u] as const)
      .via(Http.hostConnectionPool<string>(url))
      .mapAsync(1, async ([r, u]) => (r.ok ? `${u} ok ${await r.value.entity.text()}` : `${u} failed: ${(r.error as Error).message}`))
      .runWith(Sink.seq());
    expect(out.sort()).toEqual(
      [
        `${url}/a ok /a`,
        '/c ok /c',
        `http://other.invalid/b failed: Http.hostConnectionPool: GET http://other.invalid/b is not on this pool's origin ${url}`,
      ].sort(),
    );
  });

  it('fails the entity stream when the server closes mid-response, and the pool recovers', async () => {
    let n = 0;
    const server = createServer((req, res) => {
      n++;
      if (req.url === '/broken') {
        res.writeHead(200, { 'content-length': '100000' });
        res.write(Buffer.alloc(1000, 1), () => setTimeout(() => res.destroy(), 20));
      } else res.end('recovered');
    });
    const port = await listen(server);
    const settings = ConnectionPoolSettings.default.withMaxConnections(1);
    const out = await Source.from(['/broken', '/fine'])
      .map((p) => [HttpRequest.get(p), p] as const)
      .via(Http.hostConnectionPool<string>(`http://127.0.0.1:${port}`, settings))
      .mapAsync(1, async ([r, p]) => {
        if (!r.ok) return `${p}: request failed`;
        try {
          return `${p}: ${await r.value.entity.text()}`;
        } catch (e) {
          return `${p}: entity failed (${(e as Error).name})`;
        }
      })
      .runWith(Sink.seq());
    expect(out[0]).toMatch(/^\/broken: entity failed/);
    expect(out[1]).toBe('/fine: recovered');
    expect(n).toBe(2);
  });

  it('rejects elements that are not [HttpRequest, context] tuples, failing the stream', async () => {
    const url = await serve(() => HttpResponse.ok());
    const done = Source.single('GET /' as unknown as readonly [HttpRequest, number])
      .via(Http.hostConnectionPool<number>(url))
      .runWith(Sink.ignore());
    await expect(done).rejects.toThrow('Http.hostConnectionPool: elements must be [HttpRequest, context] tuples, got "GET /"');
  });

  it('aborts requests in flight when downstream cancels', async () => {
    let closedEarly = 0;
    const server = createServer((req, res) => {
      res.on('close', () => {
        if (!res.writableFinished) closedEarly++;
      });
      if (req.url === '/quick') res.end('quick');
    });
    const port = await listen(server);
    const first = await Source.from(['/quick', '/never', '/never'])
      .map((p) => [HttpRequest.get(p), p] as const)
      .via(Http.hostConnectionPool<string>(`http://127.0.0.1:${port}`))
      .runWith(Sink.head());
    expect(first[1]).toBe('/quick');
    if (first[0].ok) await first[0].value.discardEntityBytes();
    for (let i = 0; i < 50 && closedEarly < 2; i++) await sleep(20);
    expect(closedEarly).toBe(2);
  });

  it('shutdown() stops taking requests, emits the results in flight and completes', async () => {
    const url = await serve(async (req) => {
      await sleep(50);
      return HttpResponse.ok(req.url);
    });
    const [pool, results] = Source.tick(0, 10, 0)
      .zipWithIndex()
      .map(([, i]) => [HttpRequest.get(`/t${i}`), i] as const)
      .viaMat(Http.hostConnectionPool<number>(url, ConnectionPoolSettings.default.withMaxOpenRequests(2)), Keep.right)
      .mapAsync(1, async ([r, i]) => (r.ok ? `${i}:${await r.value.entity.text()}` : `${i}:failed`))
      .toMat(Sink.seq(), Keep.both)
      .run();
    await sleep(200);
    await pool.shutdown();
    const got = await results;
    expect(got.length).toBeGreaterThan(0);
    expect(got.every((s) => /^\d+:\/t\d+$/.test(s))).toBe(true);
  });

  it('is shut down by Http.shutdownAllConnectionPools', async () => {
    const url = await serve(() => HttpResponse.ok('x'));
    const done = Source.tick(0, 20, 0)
      .map(() => [HttpRequest.get('/'), 0] as const)
      .via(Http.hostConnectionPool<number>(url))
      .mapAsync(1, ([r]) => (r.ok ? r.value.discardEntityBytes() : undefined))
      .runWith(Sink.ignore());
    await sleep(100);
    await Http.shutdownAllConnectionPools();
    await done;
  });
});

describe('Http.superPool', () => {
  it('routes each request by its origin and reports a refused one as a failure', async () => {
    const a = await serve((req) => HttpResponse.ok(`A${req.url}`));
    const b = await serve((req) => HttpResponse.ok(`B${req.url}`));
    const dead = `http://127.0.0.1:${await deadPort()}`;
    const out = await Source.from([`${a}/1`, `${b}/2`, `${dead}/3`, `${a}/4`, '/relative'])
      .map((u) => [HttpRequest.get(u), u] as const)
      .via(Http.superPool<string>(ConnectionPoolSettings.default.withMaxRetries(0)))
      .mapAsync(
        1,
        async ([r, u]): Promise<readonly [string, string]> => [
          u,
          r.ok ? await r.value.entity.text() : `failed ${(r.error as { code?: string }).code ?? (r.error as Error).message}`,
        ],
      )
      .runWith(Sink.seq());
    const byUrl = new Map(out);
    expect(byUrl.get(`${a}/1`)).toBe('A/1');
    expect(byUrl.get(`${b}/2`)).toBe('B/2');
    expect(byUrl.get(`${a}/4`)).toBe('A/4');
    expect(byUrl.get(`${dead}/3`)).toBe('failed ECONNREFUSED');
    expect(byUrl.get('/relative')).toBe('failed Http.superPool: GET /relative does not have an absolute http(s) URL');
  });
});

// Keeps the Result type exercised in a type position (its narrowing is part of the API).
export type PoolResult = Result<HttpResponse>;
