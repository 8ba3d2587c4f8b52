import { Flow, Keep, Sink, Source } from '@tributary/core';
import { type Message, WebSocket, type WebSocketUpgradeResponse } from '@tributary/ws';
import { WebSocket as UndiciWebSocket } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { activeResources, expectNoLeaks, rawClient, rawClosed, rawMessages, rawServer } from './helpers.js';

let before: Record<string, number>;
beforeEach(() => {
  before = activeResources();
});
afterEach(async () => {
  await expectNoLeaks(before);
});

const upper = Flow.create<Message>().map((m) => (typeof m === 'string' ? m.toUpperCase() : Buffer.from([...m].reverse())));

describe('WebSocket.bind with clients nobody here wrote', () => {
  it('serves a raw ws client: text and binary echoed through the handler, clean close', async () => {
    const binding = await WebSocket.bind({ host: '127.0.0.1', port: 0, path: '/echo' }, upper);
    const ws = await rawClient(`ws://127.0.0.1:${binding.port}/echo`);
    const replies = rawMessages(ws, 2);
    ws.send('hello');
    ws.send(Buffer.from([1, 2, 3]));
    expect(await replies).toEqual(['HELLO', Buffer.from([3, 2, 1])]);
    const closed = rawClosed(ws);
    ws.close(1000, 'bye');
    expect(await closed).toEqual({ code: 1000, reason: 'bye' });
    await binding.terminate(1000);
  });

  it("serves undici's WebSocket (the platform client) with a chosen subprotocol", async () => {
    const binding = await WebSocket.bind({ host: '127.0.0.1', port: 0, settings: { protocols: ['v2', 'v1'] } }, upper);
    const ws = new UndiciWebSocket(`ws://127.0.0.1:${binding.port}/`, ['v1', 'v3']);
    ws.binaryType = 'arraybuffer';
    const received: unknown[] = [];
    const done = new Promise<void>((resolve, reject) => {
      ws.onmessage = (e) => {
        received.push(typeof e.data === 'string' ? e.data : Buffer.from(e.data as ArrayBuffer));
        if (received.length === 2) ws.close(1000);
      };
      ws.onclose = () => resolve();
      ws.onerror = (e) => reject(new Error(`undici WebSocket error: ${String((e as { message?: string }).message)}`));
    });
    await new Promise<void>((resolve) => (ws.onopen = () => resolve()));
    expect(ws.protocol).toBe('v1');
    ws.send('abc');
    ws.send(new Uint8Array([9, 8]));
    await done;
    expect(received).toEqual(['ABC', Buffer.from([8, 9])]);
    await binding.terminate(1000);
  });

  it('answers plain HTTP with 426 and refuses other paths with 404', async () => {
    const binding = await WebSocket.bind({ host: '127.0.0.1', port: 0, path: '/ws' }, upper);
    const plain = await fetch(`http://127.0.0.1:${binding.port}/ws`);
    expect(plain.status).toBe(426);
    expect(plain.headers.get('upgrade')).toBe('websocket');
    await plain.arrayBuffer();
    const wrong = new UndiciWebSocket(`ws://127.0.0.1:${binding.port}/elsewhere`);
    const events: string[] = [];
    await new Promise<void>((resolve) => {
      wrong.onopen = () => events.push('open');
      wrong.onerror = () => events.push('error');
      wrong.onclose = () => resolve();
    });
    expect(events).toEqual(['error']);
    await binding.terminate(1000);
  });

  it('lets a function handler choose the flow per request, or refuse the upgrade (404)', async () => {
    const binding = await WebSocket.bind({ host: '127.0.0.1', port: 0 }, (req) =>
      req.url === '/upper' ? upper : req.url === '/lower' ? Flow.create<Message>().map((m) => String(m).toLowerCase()) : undefined,
    );
    const a = await rawClient(`ws://127.0.0.1:${binding.port}/upper`);
    const b = await rawClient(`ws://127.0.0.1:${binding.port}/lower`);
    const ra = rawMessages(a, 1);
    const rb = rawMessages(b, 1);
    a.send('MiXeD');
    b.send('MiXeD');
    expect(await ra).toEqual(['MIXED']);
    expect(await rb).toEqual(['mixed']);
    const [upgrade, done] = Source.empty<string>()
      .viaMat(WebSocket.clientFlow(`ws://127.0.0.1:${binding.port}/nope`), Keep.right)
      .toMat(Sink.ignore(), Keep.both)
      .run();
    const refused = await upgrade.then(
      () => 'opened',
      (e: Error) => e,
    );
    await expect(done).rejects.toBe(refused);
    expect(refused).toMatchObject({ name: 'WebSocketUpgradeError', status: 404 });
    a.close();
    b.close();
    await Promise.all([rawClosed(a), rawClosed(b)]);
    await binding.terminate(1000);
  });
});

describe('WebSocket.clientFlow against a raw ws server', () => {
  it('sends and receives text and binary, materializes the upgrade response, closes with 1000 on completion', async () => {
    const server = await rawServer({ handleProtocols: (p) => (p.has('chat') ? 'chat' : false) });
    const accepted = server.next();
    const [upgrade, replies] = Source.from<string | Buffer>(['one', Buffer.from('two')])
      .concat(Source.never<string>())
      .viaMat(WebSocket.clientFlow(server.url, { protocols: ['chat'], headers: { 'x-test': 'yes' } }), Keep.right)
      .take(2)
      .toMat(Sink.seq(), Keep.both)
      .run();
    const peer = await accepted;
    const closed = rawClosed(peer);
    peer.on('message', (data: Buffer, isBinary: boolean) => peer.send(isBinary ? Buffer.concat([data, Buffer.from('!')]) : `${data.toString()}!`));
    const response = await upgrade;
    expect(response.status).toBe(101);
    expect(response.protocol).toBe('chat');
    expect(response.headers['sec-websocket-protocol']).toBe('chat');
    expect(await replies).toEqual(['one!', Buffer.from('two!')]);
    // take(2) cancelled the inbound side: the connection is closed normally.
    expect((await closed).code).toBe(1000);
    expect((await response.closed).code).toBe(1000);
    await server.close();
  });

  it('completes the inbound side when the server closes, with its code and reason on `closed`', async () => {
    const server = await rawServer();
    server.next().then((peer) => {
      peer.send('last words');
      peer.close(4001, 'done here');
    });
    const [upgrade, received] = Source.never<string>().viaMat(WebSocket.clientFlow(server.url), Keep.right).toMat(Sink.seq(), Keep.both).run();
    expect(await received).toEqual(['last words']);
    expect(await (await upgrade).closed).toEqual({ code: 4001, reason: 'done here' });
    await server.close();
  });

  it('closes with 1011 when upstream fails, and fails the inbound side with that error', async () => {
    const server = await rawServer();
    const accepted = server.next();
    // The failure comes after the first message was sent, so the connection is open by then.
    const received = Source.from(['a', 'b'])
      .map((m) => {
        if (m === 'b') throw new Error('upstream broke');
        return m;
      })
      .via(WebSocket.clientFlow(server.url))
      .runWith(Sink.seq());
    const peer = await accepted;
    const closed = rawClosed(peer);
    await expect(received).rejects.toThrow('upstream broke');
    expect(await closed).toEqual({ code: 1011, reason: 'upstream broke' });
    await server.close();
  });

  it('fails with a clear error when nothing listens', async () => {
    const server = await rawServer();
    const url = server.url;
    await server.close();
    const [upgrade, done] = Source.empty<string>().viaMat(WebSocket.clientFlow(url), Keep.right).toMat(Sink.ignore(), Keep.both).run();
    await expect(upgrade).rejects.toThrow(/WebSocket\.clientFlow\(ws:\/\/127\.0\.0\.1:\d+\/\): could not connect: .*ECONNREFUSED/);
    await expect(done).rejects.toThrow(/could not connect/);
  });

  it('has the types of the contract: a Flow<Message, Message, Promise<WebSocketUpgradeResponse>>', () => {
    const flow: Flow<Message, Message, Promise<WebSocketUpgradeResponse>> = WebSocket.clientFlow('ws://127.0.0.1:1/');
    expect(flow).toBeInstanceOf(Flow);
  });

  it('rejects bad arguments at once, naming the factory', () => {
    expect(() => WebSocket.clientFlow('http://x')).toThrow('WebSocket.clientFlow: url must be a ws: or wss: URL, got "http://x"');
    expect(() => WebSocket.clientFlow('ws://x', { maxBufferedBytes: 0 })).toThrow(
      'WebSocketSettings.withMaxBufferedBytes: maxBufferedBytes must be a positive integer, got 0',
    );
    expect(() => WebSocket.clientFlow('ws://x', { keepAlive: 5 } as never)).toThrow(/unknown option "keepAlive"/);
    expect(() => WebSocket.bind({ host: '', port: 0 }, upper)).toThrow('WebSocket.bind: host must be a non-empty host name or address, got ""');
    expect(() => WebSocket.upgradeHandler(42 as never)).toThrow(/WebSocket.upgradeHandler: handler must be a Flow/);
    expect(() => WebSocket.bind({ host: '127.0.0.1', port: 0, serverSettings: {} as never }, upper)).toThrow(
      'WebSocket.bind: serverSettings must be ServerSettings (from @tributary/http), got an object (Object)',
    );
    expect(() => WebSocket.upgradeHandler(upper, { path: 'ws' })).toThrow('WebSocket.upgradeHandler: path must be a string starting with "/", got "ws"');
  });
});

describe('Tributary on both ends', () => {
  it('echoes through a Tributary server to a Tributary client', async () => {
    const binding = await WebSocket.bind({ host: '127.0.0.1', port: 0 }, Flow.create<Message>());
    const n = 1000;
    const got = await Source.range(1, n)
      .map((i) => (i % 2 === 0 ? `m${i}` : Buffer.from(`b${i}`)))
      .concat(Source.never())
      .via(WebSocket.clientFlow(`ws://127.0.0.1:${binding.port}`))
      .take(n)
      .map((m) => m.toString())
      .runWith(Sink.seq());
    expect(got).toEqual(Array.from({ length: n }, (_, k) => (k % 2 === 1 ? `m${k + 1}` : `b${k + 1}`)));
    await binding.terminate(1000);
  });
});
