/**
 * Server-sent events end to end: `ServerSentEvent.toEntity` read by curl and fetch (the wire format),
 * `EventSource.create` against our server (parsing, reconnection with `Last-Event-ID`, `retry:` in
 * virtual time, back-pressure reaching the server), and faults.
 */
import { createServer as createNetServer } from 'node:net';
import { Materializer, Sink, Source } from '@tributary/core';
import {
  EventSource,
  EventSourceError,
  Http,
  HttpEntity,
  HttpRequest,
  HttpResponse,
  type ServerBinding,
  ServerSentEvent,
  ServerSettings,
} from '@tributary/http';
import { TestSink, VirtualScheduler } from '@tributary/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { activeResources, curl, expectNoLeaks, sleep } from './helpers.js';

const quiet = { warn: () => {}, error: () => {} };
let before: Record<string, number>;
let bindings: ServerBinding[] = [];

beforeEach(() => {
  before = activeResources();
  bindings = [];
});

afterEach(async () => {
  await Promise.all(bindings.map((b) => b.terminate(300)));
  await expectNoLeaks(before);
});

async function serve(handler: (req: HttpRequest) => HttpResponse | Promise<HttpResponse>): Promise<string> {
  const binding = await Http.newServerAt('127.0.0.1', 0).withSettings(ServerSettings.default.withLogger(quiet)).bind(handler);
  bindings.push(binding);
  return `http://127.0.0.1:${binding.port}`;
}

const events: ServerSentEvent[] = [
  { data: 'plain' },
  { data: 'two\nlines', event: 'multi' },
  { data: '', id: '7' },
  { data: 'with retry', retry: 2500, id: 'x-8', event: 'update' },
  { data: 'ünïcödé ✓' },
];

describe('ServerSentEvent.toEntity', () => {
  it('writes the text/event-stream format that curl and fetch receive', async () => {
    const url = await serve(() => HttpResponse.ok(ServerSentEvent.toEntity(Source.from(events))));
    const expected =
      'data: plain\n\n' +
      'event: multi\ndata: two\ndata: lines\n\n' +
      'id: 7\ndata: \n\n' +
      'event: update\nid: x-8\nretry: 2500\ndata: with retry\n\n' +
      'data: ünïcödé ✓\n\n';
    const f = await fetch(url);
    expect(f.headers.get('content-type')).toBe('text/event-stream');
    expect(await f.text()).toBe(expected);
    const c = await curl([url]);
    expect(c.headers['content-type']).toBe('text/event-stream');
    expect(c.body.toString('utf8')).toBe(expected);
  });

  it('sends heartbeat comments while no event goes out', async () => {
    const url = await serve(() => HttpResponse.ok(ServerSentEvent.toEntity(Source.from([{ data: 'a' }, { data: 'b' }]).delay(250), { keepAliveMs: 40 })));
    const text = (await curl([url])).body.toString();
    expect(text.startsWith(':\n\n')).toBe(true);
    expect(text.endsWith('data: a\n\ndata: b\n\n')).toBe(true);
    expect(text.match(/^:\n\n/gm)!.length).toBeGreaterThanOrEqual(2);
  });

  it('fails the stream on an event that cannot be written', async () => {
    const bad = ServerSentEvent.toEntity(Source.single({ data: 'x', id: 'a\nb' }));
    await expect(bad.toStrict(1000)).rejects.toThrow('ServerSentEvent: id must be a string without line breaks or NUL, got "a\\nb"');
  });
});

describe('EventSource.create', () => {
  it('parses the events of a stream; an event without event: has event undefined', async () => {
    const url = await serve(() => HttpResponse.ok(ServerSentEvent.toEntity(Source.from(events))));
    const got = await EventSource.create(url, { reconnect: false }).runWith(Sink.seq());
    expect(got).toEqual(events);
    expect(got[0]!.event).toBeUndefined();
    expect('event' in got[0]!).toBe(false);
  });

  it('reconnects after the stream ends, sending Last-Event-ID, and resumes from there', async () => {
    const seen: (string | undefined)[] = [];
    const url = await serve((req) => {
      const last = req.header('last-event-id');
      seen.push(last);
      const from = last === undefined ? 1 : Number(last) + 1;
      // Two events per connection, then the server ends the stream.
      return HttpResponse.ok(ServerSentEvent.toEntity(Source.from([from, from + 1]).map((n) => ({ data: `n${n}`, id: String(n), retry: 20 }))));
    });
    const got = await EventSource.create(url, { lastEventId: '0' }).take(7).runWith(Sink.seq());
    expect(got.map((e) => e.data)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7']);
    expect(seen.slice(0, 4)).toEqual(['0', '2', '4', '6']);
  });

  it("waits as long as the server's retry: says before reconnecting (virtual time)", async () => {
    let connections = 0;
    const url = await serve(() => {
      connections++;
      return HttpResponse.ok(ServerSentEvent.toEntity(Source.single({ data: `c${connections}`, retry: 5000 })));
    });
    const scheduler = new VirtualScheduler();
    const mat = new Materializer({ scheduler });
    const probe = EventSource.create(url, { minBackoffMs: 10 }).runWith(TestSink.probe<ServerSentEvent>(), mat);
    probe.request(5);
    expect((await probe.expectNext()).data).toBe('c1');
    await sleep(100); // the first stream has ended; the reconnection timer is pending
    await scheduler.advance(4999);
    await sleep(100);
    expect(connections).toBe(1);
    await scheduler.advance(1);
    expect((await probe.expectNext()).data).toBe('c2');
    expect(connections).toBe(2);
    probe.cancel();
    mat.shutdown();
  });

  it('backs off exponentially from minBackoffMs while connections fail, then connects (virtual time)', async () => {
    let up = false;
    let attempts = 0;
    // A server that drops connections (a network failure, unlike an error status) until it is "up".
    const server = createNetServer((socket) => {
      socket.once('data', () => {
        attempts++;
        if (!up) socket.destroy();
        else socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\ndata: finally\n\n');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const scheduler = new VirtualScheduler();
    const mat = new Materializer({ scheduler });
    const probe = EventSource.create(`http://127.0.0.1:${port}/`, { minBackoffMs: 100, maxBackoffMs: 400 }).runWith(TestSink.probe<ServerSentEvent>(), mat);
    probe.request(1);
    const settle = (): Promise<void> => sleep(80);
    await settle();
    expect(attempts).toBe(1);
    for (const [wait, expected] of [
      [99, 1],
      [1, 2],
      [199, 2],
      [1, 3],
      [399, 3],
      [1, 4],
      [399, 4],
    ] as const) {
      await scheduler.advance(wait);
      await settle();
      expect(attempts).toBe(expected);
    }
    up = true;
    await scheduler.advance(1);
    expect((await probe.expectNext()).data).toBe('finally');
    expect(attempts).toBe(5);
    probe.cancel();
    mat.shutdown();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('fails on an error status instead of reconnecting, as the standard says', async () => {
    const url = await serve(() => Promise.reject(new Error('down')));
    const error = await EventSource.create(url)
      .runWith(Sink.seq())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventSourceError);
    expect((error as EventSourceError).status).toBe(500);
  });

  it('completes on 204 and fails on a response that is not an event stream', async () => {
    const url = await serve((req) => (req.url === '/done' ? new HttpResponse({ status: 204 }) : HttpResponse.ok('{"not":"sse"}')));
    await expect(EventSource.create(`${url}/done`).runWith(Sink.seq())).resolves.toEqual([]);
    await expect(EventSource.create(`${url}/json`).runWith(Sink.seq())).rejects.toThrow(
      /expected 200 with text\/event-stream, got content type "text\/plain; charset=utf-8"; not reconnecting/,
    );
  });

  it('with reconnect: false, fails when the connection is refused', async () => {
    const url = await serve(() => HttpResponse.ok());
    const port = Number(new URL(url).port);
    await bindings.pop()!.terminate(100);
    await expect(EventSource.create(`http://127.0.0.1:${port}/`, { reconnect: false }).runWith(Sink.seq())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it("is back-pressured: a consumer that stops pulling stops the server's event source", async () => {
    let produced = 0;
    const payload = 'x'.repeat(16 * 1024);
    const url = await serve(() =>
      HttpResponse.ok(
        ServerSentEvent.toEntity(
          Source.repeat(0).map(() => {
            produced++;
            return { data: payload, id: String(produced) };
          }),
        ),
      ),
    );
    const probe = EventSource.create(url).runWith(TestSink.probe<ServerSentEvent>());
    probe.request(5);
    for (let i = 1; i <= 5; i++) expect((await probe.expectNext()).id).toBe(String(i));
    await sleep(300);
    const stalled = produced;
    await sleep(300);
    expect(produced).toBe(stalled);
    // What was produced ahead sits in socket buffers: a few MiB at most, not an unbounded queue.
    expect(stalled * payload.length).toBeLessThan(32 * 1024 * 1024);
    probe.request(3);
    for (let i = 6; i <= 8; i++) expect((await probe.expectNext()).id).toBe(String(i));
    probe.cancel();
  });

  it('rejects bad options at once', () => {
    expect(() => EventSource.create('not a url')).toThrow('EventSource.create: url must be an absolute http(s) URL, got "not a url"');
    expect(() => EventSource.create('http://x/', { minBackoffMs: 500, maxBackoffMs: 100 })).toThrow(
      'EventSource.create: maxBackoffMs (100) must not be less than minBackoffMs (500)',
    );
    expect(() => EventSource.create('http://x/', { lastEventId: 'a\nb' })).toThrow(
      'EventSource.create: lastEventId must be a string without line breaks or NUL, got "a\\nb"',
    );
  });
});

describe('an SSE stream proxied through the client', () => {
  it('arrives through Http.singleRequest as a streamed entity', async () => {
    const url = await serve(() => HttpResponse.ok(ServerSentEvent.toEntity(Source.from(events))));
    const response = await Http.singleRequest(HttpRequest.get(url));
    const again = await serve(() => HttpResponse.ok(HttpEntity.streamed(response.entity.dataBytes, 'text/event-stream')));
    expect(await EventSource.create(again, { reconnect: false }).runWith(Sink.seq())).toEqual(events);
  });
});
