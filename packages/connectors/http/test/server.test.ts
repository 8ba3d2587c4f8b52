/**
 * The server against clients nobody here wrote: Node's `fetch`, the system `curl`, and raw sockets
 * where a well-behaved client cannot misbehave enough (malformed requests, slowloris, pipelining).
 */
import { connect, type Socket } from 'node:net';
import { Flow, Sink, Source } from '@tributary/core';
import { Http, HttpEntity, type HttpRequest, HttpResponse, type IncomingConnection, type ServerBinding, ServerSettings } from '@tributary/http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { activeResources, curl, expectNoLeaks, sleep } from './helpers.js';

const quiet = { warn: () => {}, error: () => {} };
const settings = ServerSettings.default.withLogger(quiet);

let before: Record<string, number>;
let bindings: ServerBinding[] = [];

beforeEach(() => {
  before = activeResources();
  bindings = [];
});

afterEach(async () => {
  await Promise.all(bindings.map((b) => b.terminate(500)));
  await expectNoLeaks(before);
});

async function serve(handler: (req: HttpRequest) => HttpResponse | Promise<HttpResponse>, s: ServerSettings = settings): Promise<string> {
  const binding = await Http.newServerAt('127.0.0.1', 0).withSettings(s).bind(handler);
  bindings.push(binding);
  return `http://127.0.0.1:${binding.port}`;
}

/** Sends raw bytes on a fresh connection and collects everything the server sends until it closes (or `ms` passes). */
function raw(port: number, data: string | Buffer, ms = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), ms);
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.write(data);
  });
}

describe('Http.newServerAt(...).bind(handler)', () => {
  it('passes method, target, headers and entity to the handler and returns its response to fetch and curl', async () => {
    const url = await serve(
      async (req) =>
        new HttpResponse({
          status: 201,
          headers: { 'x-echo-method': req.method, 'x-echo-url': req.url, 'x-echo-header': req.header('x-custom') ?? '-' },
          entity: HttpEntity.strict(JSON.stringify({ body: await req.entity.text(), type: req.entity.contentType ?? null }), 'application/json'),
        }),
    );
    const f = await fetch(`${url}/items/7?sort=desc&x=%20y`, { method: 'PUT', headers: { 'x-custom': 'Abc', 'content-type': 'text/csv' }, body: 'a,b' });
    expect(f.status).toBe(201);
    expect(f.headers.get('x-echo-method')).toBe('PUT');
    expect(f.headers.get('x-echo-url')).toBe('/items/7?sort=desc&x=%20y');
    expect(f.headers.get('x-echo-header')).toBe('Abc');
    expect(f.headers.get('content-type')).toBe('application/json');
    expect(await f.json()).toEqual({ body: 'a,b', type: 'text/csv' });

    const c = await curl(['-X', 'POST', '-H', 'X-Custom: curl', '-H', 'Content-Type: text/plain', '--data-binary', 'hello', `${url}/c?q=1`]);
    expect(c.status).toBe(201);
    expect(c.headers['x-echo-method']).toBe('POST');
    expect(c.headers['x-echo-url']).toBe('/c?q=1');
    expect(c.headers['x-echo-header']).toBe('curl');
    expect(JSON.parse(c.body.toString())).toEqual({ body: 'hello', type: 'text/plain' });
  });

  it('streams a request entity back as a streamed response (echo), byte for byte', async () => {
    const url = await serve((req) => HttpResponse.ok(HttpEntity.streamed(req.entity.dataBytes, 'application/octet-stream')));
    const payload = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 31) & 0xff;
    const f = await fetch(`${url}/echo`, { method: 'POST', body: payload });
    expect(Buffer.from(await f.arrayBuffer()).equals(payload)).toBe(true);
    const c = await curl(['--data-binary', '@-', '-H', 'Content-Type: application/octet-stream', `${url}/echo`], payload);
    expect(c.status).toBe(200);
    expect(c.body.equals(payload)).toBe(true);
  });

  it('answers 500 when the handler throws or rejects, and keeps serving', async () => {
    const url = await serve((req) => {
      if (req.url === '/throw') throw new Error('boom');
      if (req.url === '/reject') return Promise.reject(new Error('async boom'));
      if (req.url === '/not-a-response') return 'oops' as unknown as HttpResponse;
      return HttpResponse.ok('fine');
    });
    for (const path of ['/throw', '/reject', '/not-a-response']) {
      const f = await fetch(url + path);
      expect(f.status).toBe(500);
      expect(await f.text()).toBe('There was an internal server error.');
      expect((await curl([url + path])).status).toBe(500);
    }
    expect(await (await fetch(`${url}/ok`)).text()).toBe('fine');
    expect((await curl([`${url}/ok`])).body.toString()).toBe('fine');
  });

  it('answers 503 when the handler takes longer than requestTimeoutMs, and later responses are dropped', async () => {
    let lateEntityRead = false;
    const late = Source.single(Buffer.from('late')).map((b) => {
      lateEntityRead = true;
      return b;
    });
    const url = await serve(async (req) => {
      if (req.url === '/slow') {
        await sleep(600);
        return HttpResponse.ok(HttpEntity.streamed(late));
      }
      return HttpResponse.ok('quick');
    }, settings.withRequestTimeoutMs(150));
    const f = await fetch(`${url}/slow`);
    expect(f.status).toBe(503);
    expect(await f.text()).toContain('not able to produce a timely response');
    expect((await curl([`${url}/slow`])).status).toBe(503);
    expect(await (await fetch(`${url}/fast`)).text()).toBe('quick');
    await sleep(700);
    // The late response's streamed entity was run to be discarded (not left hanging).
    expect(lateEntityRead).toBe(true);
  });

  it('answers 413 for a declared body above maxRequestEntityBytes without calling the handler', async () => {
    let calls = 0;
    const url = await serve(async (req) => {
      calls++;
      return HttpResponse.ok(String((await req.entity.toStrict(5000)).length));
    }, settings.withMaxRequestEntityBytes(1000));
    const f = await fetch(`${url}/upload`, { method: 'POST', body: Buffer.alloc(1001) });
    expect(f.status).toBe(413);
    expect(await f.text()).toContain('exceeds the configured limit of 1000 bytes');
    const c = await curl(['--data-binary', '@-', `${url}/upload`], Buffer.alloc(5000));
    expect(c.status).toBe(413);
    expect(calls).toBe(0);
    expect(await (await fetch(`${url}/upload`, { method: 'POST', body: Buffer.alloc(1000) })).text()).toBe('1000');
    expect(calls).toBe(1);
  });

  it('answers 413 when a chunked body grows past maxRequestEntityBytes while the handler reads it', async () => {
    const url = await serve(
      async (req) => HttpResponse.ok(String(await req.entity.dataBytes.runWith(Sink.fold(0, (n, b: Buffer) => n + b.length)))),
      settings.withMaxRequestEntityBytes(64 * 1024),
    );
    const big = Source.repeat(Buffer.alloc(16 * 1024, 1)).take(10);
    const body = big.runWith((await import('@tributary/core')).StreamConverters.asReadableStream());
    const f = await fetch(`${url}/chunked`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(f.status).toBe(413);
    await f.text();
    const c = await curl(['-H', 'Transfer-Encoding: chunked', '--data-binary', '@-', `${url}/chunked`], Buffer.alloc(200 * 1024));
    expect(c.status).toBe(413);
    const ok = await fetch(`${url}/chunked`, {
      method: 'POST',
      body: Source.repeat(Buffer.alloc(1024, 1))
        .take(8)
        .runWith((await import('@tributary/core')).StreamConverters.asReadableStream()),
      duplex: 'half',
    } as RequestInit);
    expect(await ok.text()).toBe('8192');
  });

  it('answers malformed requests with 400 and keeps serving', async () => {
    const url = await serve(() => HttpResponse.ok('alive'));
    const port = Number(new URL(url).port);
    const garbage = await raw(port, 'THIS IS NOT HTTP\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    const badHeader = await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n');
    expect(badHeader).toMatch(/^HTTP\/1\.1 400/);
    const badLength = await raw(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n');
    expect(badLength).toMatch(/^HTTP\/1\.1 400/);
    expect(await (await fetch(url)).text()).toBe('alive');
    expect((await curl([url])).body.toString()).toBe('alive');
  });

  it('closes a slowloris connection whose headers do not arrive within requestTimeoutMs (408) and keeps serving', async () => {
    const url = await serve(() => HttpResponse.ok('alive'), settings.withRequestTimeoutMs(300));
    const port = Number(new URL(url).port);
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (c) => received.push(c));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
    // Trickle a header byte at a time, never finishing the head.
    const trickle = setInterval(() => socket.writable && socket.write('X'), 50);
    await closed;
    clearInterval(trickle);
    expect(Buffer.concat(received).toString()).toMatch(/^HTTP\/1\.1 408/);
    expect(await (await fetch(url)).text()).toBe('alive');
    expect((await curl([url])).body.toString()).toBe('alive');
  });

  it('answers HEAD without a body, and 204 without an entity', async () => {
    const url = await serve((req) => (req.url === '/empty' ? new HttpResponse({ status: 204 }) : HttpResponse.ok('twelve bytes')));
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('12');
    expect(await head.text()).toBe('');
    const c = await curl(['-I', url]); // curl prints the head on stdout for -I
    expect(c.status).toBe(200);
    expect(c.headers['content-length']).toBe('12');
    expect(c.body.toString()).not.toContain('twelve');
    expect((await fetch(`${url}/empty`)).status).toBe(204);
  });

  it('closes the connection after answering when the handler stopped reading the request body', async () => {
    const url = await serve(async (req) => {
      if (req.url === '/first-chunk') {
        const [first] = await req.entity.dataBytes.take(1).runWith(Sink.seq());
        return HttpResponse.ok(`first chunk of ${first!.length} bytes`);
      }
      return HttpResponse.ok('next');
    });
    const big = Buffer.alloc(4 * 1024 * 1024, 1);
    const f = await fetch(`${url}/first-chunk`, { method: 'POST', body: big }).catch((e: unknown) => e);
    // The response went out (fetch may see it or the closed upload first); the server is fine either way.
    if (f instanceof Response) expect(await f.text()).toMatch(/^first chunk of \d+ bytes$/);
    const c = await curl(['--data-binary', '@-', `${url}/first-chunk`], big);
    expect(c.body.toString()).toMatch(/^first chunk of \d+ bytes$/);
    expect(c.headers['connection']).toBe('close');
    expect(await (await fetch(`${url}/next`)).text()).toBe('next');
  });

  it('closes connections idle for idleTimeoutMs, and refuses connections beyond maxConnections', async () => {
    const url = await serve(() => HttpResponse.ok('alive'), settings.withIdleTimeoutMs(200).withMaxConnections(2));
    const port = Number(new URL(url).port);
    const open = (): Promise<{ socket: Socket; closedAt: Promise<number> }> =>
      new Promise((resolve) => {
        const socket = connect(port, '127.0.0.1', () => resolve({ socket, closedAt: new Promise((r) => socket.on('close', () => r(Date.now()))) }));
        socket.on('error', () => {});
      });
    const started = Date.now();
    const a = await open();
    const b = await open();
    await sleep(50);
    const third = await open();
    // Node closes the connection over the limit as soon as it is accepted.
    expect((await third.closedAt) - started).toBeLessThan(150);
    // The idle ones are closed by the idle timeout.
    const [ta, tb] = await Promise.all([a.closedAt, b.closedAt]);
    expect(ta - started).toBeGreaterThanOrEqual(150);
    expect(tb - started).toBeGreaterThanOrEqual(150);
    expect(await (await fetch(url)).text()).toBe('alive');
    expect((await curl([url])).body.toString()).toBe('alive');
  });

  it('rejects the binding promise with EADDRINUSE when the port is taken', async () => {
    const url = await serve(() => HttpResponse.ok('first'));
    const port = Number(new URL(url).port);
    await expect(Http.newServerAt('127.0.0.1', port).bind(() => HttpResponse.ok('second'))).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(await (await fetch(url)).text()).toBe('first');
  });

  it('rejects bad arguments at once, naming the factory', () => {
    expect(() => Http.newServerAt('', 80)).toThrow('Http.newServerAt: host must be a non-empty host name or address, got ""');
    expect(() => Http.newServerAt('127.0.0.1', 70000)).toThrow('Http.newServerAt: port must be an integer from 0 to 65535 (0 picks a free port), got 70000');
    expect(() => Http.newServerAt('127.0.0.1', 0).bind('nope' as never)).toThrow('ServerBuilder.bind: handler must be a function, got "nope"');
    expect(() => ServerSettings.default.withRequestTimeoutMs(0)).toThrow(
      'ServerSettings.withRequestTimeoutMs: requestTimeoutMs must be a positive finite number of milliseconds, got 0',
    );
    expect(() => Http.newServerAt('127.0.0.1', 0).bind(() => HttpResponse.ok(), { upgrade: 1 as never })).toThrow(
      'ServerBuilder.bind: options.upgrade must be a function, got 1',
    );
  });
});

describe('bindFlow and pipelining', () => {
  it("feeds one connection's pipelined requests through the flow in order and answers in order", async () => {
    const seen: string[] = [];
    // Responses of early requests take longest: only in-order matching gives the right pairs.
    const flow = Flow.create<HttpRequest>().mapAsync(4, async (req) => {
      seen.push(req.url);
      const n = Number(req.url.slice(1));
      await sleep(50 - n * 10);
      return HttpResponse.ok(`answer ${req.url}`);
    });
    const binding = await Http.newServerAt('127.0.0.1', 0).withSettings(settings).bindFlow(flow);
    bindings.push(binding);
    const reqs = [1, 2, 3, 4].map((n) => `GET /${n} HTTP/1.1\r\nHost: x\r\n${n === 4 ? 'Connection: close\r\n' : ''}\r\n`).join('');
    const out = await raw(binding.port, reqs);
    const bodies = [...out.matchAll(/answer \/(\d)/g)].map((m) => m[1]);
    expect(bodies).toEqual(['1', '2', '3', '4']);
    expect(seen).toEqual(['/1', '/2', '/3', '/4']);
    const f = await fetch(`http://127.0.0.1:${binding.port}/0`);
    expect(await f.text()).toBe('answer /0');
    expect((await curl([`http://127.0.0.1:${binding.port}/1`])).body.toString()).toBe('answer /1');
  });

  it("answers 500 and closes the connection when the connection's flow fails", async () => {
    const flow = Flow.create<HttpRequest>().map((req) => {
      if (req.url === '/fail') throw new Error('flow broke');
      return HttpResponse.ok('ok');
    });
    const binding = await Http.newServerAt('127.0.0.1', 0).withSettings(settings).bindFlow(flow);
    bindings.push(binding);
    const url = `http://127.0.0.1:${binding.port}`;
    const f = await fetch(`${url}/fail`);
    expect(f.status).toBe(500);
    expect(f.headers.get('connection')).toBe('close');
    expect((await curl([`${url}/fail`])).status).toBe(500);
    expect(await (await fetch(`${url}/fine`)).text()).toBe('ok');
  });

  it('stops reading a connection after pipeliningLimit unanswered requests', async () => {
    const release: (() => void)[] = [];
    let entered = 0;
    const url = await serve(
      () =>
        new Promise<HttpResponse>((resolve) => {
          entered++;
          release.push(() => resolve(HttpResponse.ok('done')));
        }),
      settings.withPipeliningLimit(2),
    );
    const port = Number(new URL(url).port);
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (c) => received.push(c));
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    const request = (i: number): string => `GET /${i} HTTP/1.1\r\nHost: x\r\n${i === 5 ? 'Connection: close\r\n' : ''}\r\n`;
    socket.write(request(0) + request(1));
    await sleep(100);
    expect(entered).toBe(2);
    // Two requests are unanswered: the server has stopped reading, so these are not even parsed.
    socket.write(request(2) + request(3) + request(4) + request(5));
    await sleep(200);
    expect(entered).toBe(2);
    while (entered < 6 || release.length > 0) {
      release.shift()?.();
      await sleep(20);
    }
    await closed;
    expect(entered).toBe(6);
    expect(
      Buffer.concat(received)
        .toString()
        .match(/HTTP\/1\.1 200/g),
    ).toHaveLength(6);
  });
});

describe('connectionSource', () => {
  it('emits each connection with its addresses; the application handles it', async () => {
    const connections: IncomingConnection[] = [];
    const binding = await Http.newServerAt('127.0.0.1', 0)
      .withSettings(settings)
      .connectionSource()
      .to(
        Sink.foreach((c: IncomingConnection) => {
          connections.push(c);
          c.handleWithAsyncHandler((req) => HttpResponse.ok(`conn ${connections.length} ${req.url}`));
        }),
      )
      .run();
    bindings.push(binding);
    expect(binding.host).toBe('127.0.0.1');
    expect(binding.localAddress).toMatchObject({ address: '127.0.0.1', port: binding.port });
    const url = `http://127.0.0.1:${binding.port}`;
    expect(await (await fetch(`${url}/a`)).text()).toBe('conn 1 /a');
    expect((await curl([`${url}/b`])).body.toString()).toBe('conn 2 /b');
    expect(connections[0]!.localAddress.port).toBe(binding.port);
    expect(connections[1]!.remoteAddress.address).toBe('127.0.0.1');
    expect(() => connections[0]!.handleWithAsyncHandler(() => HttpResponse.ok())).toThrow(/is already handled/);
  });

  it('completes when unbound; cancelling the source unbinds', async () => {
    const [bindingP, done] = Http.newServerAt('127.0.0.1', 0)
      .connectionSource()
      .toMat(
        Sink.foreach((c: IncomingConnection) => c.handleWithAsyncHandler(() => HttpResponse.ok('x'))),
        (l, r) => [l, r] as const,
      )
      .run();
    const binding = await bindingP;
    bindings.push(binding);
    await binding.unbind();
    await done;
    await expect(fetch(`http://127.0.0.1:${binding.port}/`)).rejects.toThrow();
    await binding.whenTerminated;

    const [binding2P, done2] = Http.newServerAt('127.0.0.1', 0)
      .connectionSource()
      .take(1)
      .toMat(Sink.seq(), (l, r) => [l, r] as const)
      .run();
    const binding2 = await binding2P;
    bindings.push(binding2);
    const pending = fetch(`http://127.0.0.1:${binding2.port}/`).catch((e: unknown) => e);
    const [connection] = await done2;
    connection!.handleWithAsyncHandler(() => HttpResponse.ok('last one'));
    expect(await ((await pending) as Response).text()).toBe('last one');
    // take(1) cancelled the source: no new connections are accepted.
    await expect(fetch(`http://127.0.0.1:${binding2.port}/`)).rejects.toThrow();
  });
});

describe('ServerBinding.terminate', () => {
  it('lets requests in flight finish, refuses new connections, closes idle ones and resolves when all are closed', async () => {
    let releaseSlow!: () => void;
    let markStarted!: () => void;
    const slowStarted = new Promise<void>((r) => (markStarted = r));
    const url = await serve((req) => {
      if (req.url !== '/slow') return HttpResponse.ok('quick');
      markStarted();
      return new Promise<HttpResponse>((r) => (releaseSlow = () => r(HttpResponse.ok('slow done'))));
    });
    expect(await (await fetch(`${url}/idle`)).text()).toBe('quick'); // leaves an idle keep-alive connection
    const slow = curl([`${url}/slow`]);
    await slowStarted;
    const binding = bindings[0]!;
    let terminated = false;
    const terminating = binding.terminate(5000).then(() => (terminated = true));
    await sleep(50);
    await expect(fetch(`${url}/new`)).rejects.toThrow();
    expect(terminated).toBe(false);
    releaseSlow();
    const s = await slow;
    expect(s.body.toString()).toBe('slow done');
    expect(s.headers['connection']).toBe('close');
    await terminating;
    await binding.whenTerminated;
    expect(binding.terminate(5000)).toBe(binding.terminate(10));
  });

  it('destroys what is still open at the hard deadline', async () => {
    const url = await serve(() => new Promise<HttpResponse>(() => {}), settings.withRequestTimeoutMs(60_000));
    const hanging = fetch(`${url}/forever`).then(
      () => 'answered',
      () => 'connection destroyed',
    );
    await sleep(100);
    const started = Date.now();
    await bindings[0]!.terminate(200);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await hanging).toBe('connection destroyed');
  });
});

describe('upgrade listener', () => {
  it("hands Upgrade requests to the listener and counts upgraded sockets as the binding's connections", async () => {
    const binding = await Http.newServerAt('127.0.0.1', 0)
      .withSettings(settings)
      .bind(() => HttpResponse.ok('plain'), {
        upgrade: (req, socket, head) => {
          socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n`);
          if (head.length > 0) socket.write(head);
          socket.on('data', (d: Buffer) => socket.write(Buffer.from(d.toString().toUpperCase())));
          expect(req.headers.upgrade).toBe('echo');
        },
      });
    bindings.push(binding);
    expect(await (await fetch(`http://127.0.0.1:${binding.port}/`)).text()).toBe('plain');
    const socket = connect(binding.port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (c) => received.push(c));
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.write('GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
    await sleep(50);
    socket.write('hello');
    await sleep(50);
    expect(Buffer.concat(received).toString()).toMatch(/^HTTP\/1\.1 101[\s\S]*HELLO$/);
    // The upgraded socket is not an HTTP connection any more, but terminate still ends it at the deadline.
    await binding.terminate(100);
    await closed;
  });
});
