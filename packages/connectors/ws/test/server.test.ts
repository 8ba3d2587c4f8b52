import { Flow, Keep, Sink, Source } from '@tributary/core';
import { Http, HttpResponse, ServerSettings } from '@tributary/http';
import { type Message, WebSocket } from '@tributary/ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket as RawWebSocket } from 'ws';
import { activeResources, eventually, expectNoLeaks, rawClient, rawClosed, rawMessages, sleep } from './helpers.js';

let before: Record<string, number>;
beforeEach(() => {
  before = activeResources();
});
afterEach(async () => {
  await expectNoLeaks(before);
});

describe('WebSocket server', () => {
  it('shares a port with an @tributary/http server through upgradeHandler', async () => {
    const ws = WebSocket.upgradeHandler(
      Flow.create<Message>().map((m) => `echo: ${String(m)}`),
      { path: '/ws' },
    );
    const binding = await Http.newServerAt('127.0.0.1', 0).bind(() => HttpResponse.ok('plain http'), { upgrade: ws });
    const res = await fetch(`http://127.0.0.1:${binding.port}/anything`);
    expect(await res.text()).toBe('plain http');
    const client = await rawClient(`ws://127.0.0.1:${binding.port}/ws`);
    const reply = rawMessages(client, 1);
    client.send('hi');
    expect(await reply).toEqual(['echo: hi']);
    expect(ws.openConnections).toBe(1);
    const closed = rawClosed(client);
    await ws.shutdown();
    expect(await closed).toEqual({ code: 1001, reason: 'server shutting down' });
    expect(ws.openConnections).toBe(0);
    await binding.terminate(100);
  });

  it("an idle WebSocket outlives the HTTP server's idle and request timeouts", async () => {
    const ws = WebSocket.upgradeHandler(Flow.create<Message>(), { settings: { keepAliveMs: 0 } });
    const settings = ServerSettings.default.withIdleTimeoutMs(100).withRequestTimeoutMs(100);
    const binding = await Http.newServerAt('127.0.0.1', 0)
      .withSettings(settings)
      .bind(() => HttpResponse.ok('http'), { upgrade: ws });
    const client = await rawClient(`ws://127.0.0.1:${binding.port}`);
    await sleep(600);
    const reply = rawMessages(client, 1);
    client.send('still here');
    expect(await reply).toEqual(['still here']);
    const closed = rawClosed(client);
    await ws.shutdown();
    expect((await closed).code).toBe(1001);
    await binding.terminate(100);
  });

  it('terminate closes open connections with 1001 (raw and Tributary clients) and resolves when they are gone', async () => {
    const binding = await WebSocket.bind({ host: '127.0.0.1', port: 0 }, Flow.create<Message>());
    const url = `ws://127.0.0.1:${binding.port}`;
    const raw = await rawClient(url);
    const rawClose = rawClosed(raw);
    const received: Message[] = [];
    const [upgrade, done] = Source.single('ping')
      .concat(Source.never())
      .viaMat(WebSocket.clientFlow(url), Keep.right)
      .toMat(
        Sink.foreach((m: Message) => received.push(m)),
        Keep.both,
      )
      .run();
    const tributaryClosed = (await upgrade).closed;
    await eventually('the Tributary client got its echo', () => received.length === 1);
    await binding.terminate(2000);
    expect(await rawClose).toEqual({ code: 1001, reason: 'server shutting down' });
    expect(await tributaryClosed).toEqual({ code: 1001, reason: 'server shutting down' });
    await done;
    expect(received).toEqual(['ping']);
    await binding.whenTerminated;
  });

  it('runs the handler once per connection; the client closing completes the handler (coupled sink and source)', async () => {
    const sessions: Promise<readonly Message[]>[] = [];
    const binding = await WebSocket.bind({ host: '127.0.0.1', port: 0 }, () =>
      WebSocket.handleMessagesWithSinkSource(
        Sink.seq<Message>().mapMaterializedValue((p) => {
          sessions.push(p);
          return p;
        }),
        Source.single('welcome').concat(Source.never()),
      ),
    );
    const url = `ws://127.0.0.1:${binding.port}`;
    // The welcome may come in the same TCP chunk as the handshake: listen before the socket opens.
    const a = new RawWebSocket(url);
    const aWelcome = rawMessages(a, 1);
    const b = new RawWebSocket(url);
    const bWelcome = rawMessages(b, 1);
    expect(await aWelcome).toEqual(['welcome']);
    expect(await bWelcome).toEqual(['welcome']);
    a.send('a1');
    a.send('a2');
    b.send(Buffer.from('b1'));
    a.close(1000);
    b.close(1000);
    await Promise.all([rawClosed(a), rawClosed(b)]);
    expect(sessions).toHaveLength(2);
    const results = await Promise.all(sessions);
    expect(results).toContainEqual(['a1', 'a2']);
    expect(results).toContainEqual([Buffer.from('b1')]);
    await binding.terminate(100);
  });

  it('refuses new upgrades with 503 once terminating', async () => {
    const binding = await WebSocket.bind({ host: '127.0.0.1', port: 0 }, Flow.create<Message>());
    const url = `ws://127.0.0.1:${binding.port}`;
    const open = await rawClient(url);
    const closed = rawClosed(open);
    const terminated = binding.terminate(500);
    expect((await closed).code).toBe(1001);
    await terminated;
    await expect(rawClient(url)).rejects.toThrow(/ECONNREFUSED/);
  });
});
