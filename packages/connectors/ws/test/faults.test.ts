import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Flow, Keep, Sink, Source } from '@tributary/core';
import { type Message, WebSocket, WebSocketError, WebSocketKeepAliveTimeoutError } from '@tributary/ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket as RawWebSocket } from 'ws';
import { activeResources, eventually, expectNoLeaks, rawClient, rawClosed, rawServer, sleep } from './helpers.js';

let before: Record<string, number>;
beforeEach(() => {
  before = activeResources();
});
afterEach(async () => {
  await expectNoLeaks(before);
});

describe('WebSocket faults', () => {
  it('fails after the keep-alive timeout when the peer vanishes (no close frame, no pong)', async () => {
    // A peer that stops answering pings and whose socket we never hear from again: a dead host.
    const server = await rawServer({ autoPong: false });
    const accepted = server.next();
    const started = Date.now();
    const done = Source.never<string>()
      .via(WebSocket.clientFlow(server.url, { keepAliveMs: 100, keepAliveTimeoutMs: 100 }))
      .runWith(Sink.ignore());
    const peer = await accepted;
    const e = await done.then(
      () => 'completed',
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(WebSocketKeepAliveTimeoutError);
    expect((e as Error).message).toContain('did not answer a keep-alive ping within 100 ms');
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect((await rawClosed(peer)).code).toBe(1006);
    await server.close();
  });

  it('keeps a healthy connection alive with pings', async () => {
    const server = await rawServer();
    const accepted = server.next();
    const [upgrade, done] = Source.never<string>()
      .viaMat(WebSocket.clientFlow(server.url, { keepAliveMs: 30, keepAliveTimeoutMs: 30 }), Keep.right)
      .toMat(Sink.ignore(), Keep.both)
      .run();
    const peer = await accepted;
    let pings = 0;
    peer.on('ping', () => pings++);
    await sleep(400);
    expect(pings).toBeGreaterThan(2);
    peer.close(1000);
    await done;
    expect((await (await upgrade).closed).code).toBe(1000);
    await server.close();
  });

  it('does not hold its own back-pressure against the peer: a paused client is not failed by keep-alive', async () => {
    const server = await rawServer();
    const accepted = server.next();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const counted = Source.never<string>()
      .via(WebSocket.clientFlow(server.url, { keepAliveMs: 40, keepAliveTimeoutMs: 40 }))
      .mapAsync(1, (m) => gate.then(() => m))
      .runWith(Sink.fold(0, (n: number) => n + 1));
    const peer = await accepted;
    // Enough to fill the socket buffers: the client pauses its socket and hears nothing for a while.
    const chunk = Buffer.alloc(64 * 1024);
    for (let i = 0; i < 256; i++) peer.send(chunk);
    await sleep(500);
    release();
    await eventually('everything was read', () => peer.bufferedAmount === 0, 10_000);
    peer.close(1000);
    expect(await counted).toBe(256);
    await server.close();
  });

  it('a server drops a client that stops answering pings', async () => {
    const binding = await WebSocket.bind({ host: '127.0.0.1', port: 0, settings: { keepAliveMs: 50, keepAliveTimeoutMs: 50 } }, Flow.create<Message>());
    const client = new RawWebSocket(`ws://127.0.0.1:${binding.port}`, { autoPong: false });
    await once(client, 'open');
    expect((await rawClosed(client)).code).toBe(1006);
    await binding.terminate(100);
  });

  it('fails when the server does not complete the handshake within handshakeTimeoutMs', async () => {
    const silent = createServer(() => {});
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const port = (silent.address() as AddressInfo).port;
    const [upgrade, done] = Source.empty<string>()
      .viaMat(WebSocket.clientFlow(`ws://127.0.0.1:${port}`, { handshakeTimeoutMs: 100 }), Keep.right)
      .toMat(Sink.ignore(), Keep.both)
      .run();
    await expect(upgrade).rejects.toThrow(/WebSocket\.clientFlow\(ws:\/\/127\.0\.0\.1:\d+\/\): could not connect: Opening handshake has timed out/);
    await expect(done).rejects.toThrow(/handshake has timed out/);
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('fails with a clear error on invalid UTF-8 in a text frame, closing with 1007', async () => {
    const server = await rawServer();
    server.next().then((peer) => peer.send(Buffer.from([0x68, 0x69, 0xff, 0xfe]), { binary: false }));
    const e = await Source.never<string>()
      .via(WebSocket.clientFlow(server.url))
      .runWith(Sink.seq())
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(e).toBeInstanceOf(WebSocketError);
    expect((e as WebSocketError).message).toMatch(/an incoming text message is not valid UTF-8; the connection was closed with 1007/);
    expect((e as WebSocketError).closeCode).toBe(1007);
    await server.close();
  });

  it('fails with an error naming maxPayload when an incoming message is too big (1009)', async () => {
    const server = await rawServer();
    const peerClosed = server.next().then((peer) => {
      peer.send(Buffer.alloc(2048));
      return rawClosed(peer);
    });
    const e = await Source.never<string>()
      .via(WebSocket.clientFlow(server.url, { maxPayload: 1024 }))
      .runWith(Sink.seq())
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect((e as Error).message).toMatch(/an incoming message is larger than maxPayload \(1024 bytes\); the connection was closed with 1009/);
    expect((await peerClosed).code).toBe(1009);
    await server.close();
  });

  it('a server refuses an oversized message from a client with 1009, and its handler sees the error', async () => {
    let handlerError: unknown = null;
    const binding = await WebSocket.bind({ host: '127.0.0.1', port: 0, settings: { maxPayload: 100 } }, () =>
      WebSocket.handleMessagesWithSinkSource(
        Sink.ignore().mapMaterializedValue((p) => p.catch((e: unknown) => (handlerError = e))),
        Source.never<string>(),
      ),
    );
    const client = await rawClient(`ws://127.0.0.1:${binding.port}`);
    const closed = rawClosed(client);
    client.send('x'.repeat(101));
    expect((await closed).code).toBe(1009);
    await binding.terminate(100);
    expect((handlerError as Error).message).toMatch(/larger than maxPayload \(100 bytes\)/);
  });

  it('fails when the connection is lost without a close frame (1006)', async () => {
    const server = await rawServer();
    server.next().then((peer) => {
      peer.send('before');
      setTimeout(() => peer.terminate(), 20);
    });
    const received: Message[] = [];
    const e = await Source.never<string>()
      .via(WebSocket.clientFlow(server.url))
      .runWith(Sink.foreach((m: Message) => received.push(m)))
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(received).toEqual(['before']);
    expect((e as WebSocketError).message).toMatch(/the connection was lost \(closed without a close frame, 1006\)/);
    await server.close();
  });

  it('answers 1011 with the reason when a server handler fails', async () => {
    const binding = await WebSocket.bind(
      { host: '127.0.0.1', port: 0 },
      Flow.create<Message>().map((m) => {
        if (m === 'boom') throw new Error('handler exploded');
        return m;
      }),
    );
    const client = await rawClient(`ws://127.0.0.1:${binding.port}`);
    const closed = rawClosed(client);
    client.send('boom');
    expect(await closed).toEqual({ code: 1011, reason: 'handler exploded' });
    await binding.terminate(100);
  });
});
