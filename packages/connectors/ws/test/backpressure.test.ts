/**
 * Back-pressure reaches the socket, both ways and on both sides: a stream that does not pull leaves the
 * bytes with the sender (its `bufferedAmount` rises, our memory does not), and a stream sending to a
 * peer that does not read pulls only what fits under `maxBufferedBytes` plus the kernel's buffers.
 */
import { once } from 'node:events';
import { Flow, Keep, Sink, Source } from '@tributary/core';
import { type Message, WebSocket } from '@tributary/ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket as RawWebSocket } from 'ws';
import { activeResources, eventually, expectNoLeaks, rawClosed, rawServer, sleep } from './helpers.js';

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;
const TOTAL = 100 * MiB;
const COUNT = TOTAL / CHUNK;

let before: Record<string, number>;
beforeEach(() => {
  before = activeResources();
});
afterEach(async () => {
  await expectNoLeaks(before);
});

const memory = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** A gate a stream waits at until `open()`: the "slow consumer". */
function gate(): { wait: <T>(x: T) => Promise<T>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { wait: (x) => opened.then(() => x), open };
}

/** Counts messages and bytes, keeping none of them. */
const countingSink = Sink.fold<Message, { messages: number; bytes: number }>({ messages: 0, bytes: 0 }, (acc, m) => ({
  messages: acc.messages + 1,
  bytes: acc.bytes + (typeof m === 'string' ? Buffer.byteLength(m) : m.length),
}));

describe('WebSocket back-pressure', () => {
  it('a slow Tributary client holds a raw ws sender of 100 MiB back (its bufferedAmount rises), with bounded memory', async () => {
    const server = await rawServer();
    const accepted = server.next();
    const slow = gate();
    const baseline = memory();
    const [upgrade, counted] = Source.never<string>()
      .viaMat(WebSocket.clientFlow(server.url), Keep.right)
      .mapAsync(1, slow.wait)
      .toMat(countingSink, Keep.both)
      .run();
    const peer = await accepted;
    await upgrade;
    // The naive sender: everything at once. One 64 KiB buffer sent 1600 times costs the server nothing.
    const chunk = Buffer.alloc(CHUNK, 7);
    for (let i = 0; i < COUNT; i++) peer.send(chunk);
    // Unimpeded, the whole transfer takes well under a second on loopback (measured: ~0.6 s on a loaded
    // 2-core machine), so after 1.5 s a client that did not push back would have taken all of it.
    await sleep(300);
    expect(peer.bufferedAmount).toBeGreaterThan(TOTAL - 32 * MiB);
    await sleep(1200);
    // Still held back: the kernel's buffers and one chunk's worth of messages are all the client took.
    expect(peer.bufferedAmount).toBeGreaterThan(TOTAL - 32 * MiB);
    expect(memory() - baseline).toBeLessThan(40 * MiB);
    slow.open();
    await eventually('all of it sent', () => peer.bufferedAmount === 0, 20_000);
    const closed = rawClosed(peer);
    peer.close(1000);
    expect(await counted).toEqual({ messages: COUNT, bytes: TOTAL });
    expect((await closed).code).toBe(1000);
    await server.close();
  });

  it('a Tributary client sending 100 MiB to a raw ws peer that does not read pulls only what the socket takes', async () => {
    const server = await rawServer();
    const accepted = server.next();
    let pulled = 0;
    const chunk = Buffer.alloc(CHUNK, 1);
    const [upgrade, done] = Source.repeat(chunk)
      .take(COUNT)
      .map((c) => {
        pulled++;
        return c;
      })
      .concat(Source.never())
      .viaMat(WebSocket.clientFlow(server.url, { maxBufferedBytes: MiB }), Keep.right)
      .toMat(Sink.ignore(), Keep.both)
      .run();
    const peer = await accepted;
    peer.pause();
    await upgrade;
    await sleep(500);
    // 1 MiB in the socket's buffer, the kernel's send and receive buffers, and ws's receiver: far from 100 MiB.
    expect(pulled * CHUNK).toBeLessThan(32 * MiB);
    const stalledAt = pulled;
    await sleep(200);
    expect(pulled).toBe(stalledAt);
    let received = 0;
    let bytes = 0;
    peer.on('message', (data: Buffer) => {
      received++;
      bytes += data.length;
    });
    peer.resume();
    await eventually('the peer received everything', () => received === COUNT, 20_000);
    expect(bytes).toBe(TOTAL);
    expect(pulled).toBe(COUNT);
    peer.close(1000);
    await done;
    await server.close();
  });

  it('a Tributary server does not read a raw client faster than its handler consumes; the client is held back', async () => {
    const slow = gate();
    let counted!: Promise<{ messages: number; bytes: number }>;
    const binding = await WebSocket.bind({ host: '127.0.0.1', port: 0 }, () =>
      WebSocket.handleMessagesWithSinkSource(
        Flow.create<Message>()
          .mapAsync(1, slow.wait)
          .toMat(countingSink, Keep.right)
          .mapMaterializedValue((p) => (counted = p)),
        Source.never<string>(),
      ),
    );
    const client = new RawWebSocket(`ws://127.0.0.1:${binding.port}`);
    await once(client, 'open');
    const chunk = Buffer.alloc(CHUNK, 3);
    const n = (32 * MiB) / CHUNK;
    for (let i = 0; i < n; i++) client.send(chunk);
    // Unimpeded, 32 MiB cross loopback in a fraction of a second; held back, they stay with the client
    // (which masks every frame, so its buffer is real memory: what matters is that it stays there).
    await sleep(1000);
    expect(client.bufferedAmount).toBeGreaterThan(16 * MiB);
    const closed = rawClosed(client);
    slow.open();
    await eventually('all of it sent', () => client.bufferedAmount === 0, 20_000);
    client.close(1000);
    expect(await counted).toEqual({ messages: n, bytes: 32 * MiB });
    expect((await closed).code).toBe(1000);
    await binding.terminate(100);
  });

  it('a Tributary server streaming to a raw client that does not read pulls only what the socket takes', async () => {
    let pulled = 0;
    const chunk = Buffer.alloc(CHUNK, 2);
    const n = (32 * MiB) / CHUNK;
    const binding = await WebSocket.bind({ host: '127.0.0.1', port: 0, settings: { maxBufferedBytes: 256 * 1024 } }, () =>
      WebSocket.handleMessagesWithSinkSource(
        Sink.ignore(),
        Source.repeat(chunk)
          .take(n)
          .map((c) => {
            pulled++;
            return c;
          })
          .concat(Source.never()),
      ),
    );
    const client = new RawWebSocket(`ws://127.0.0.1:${binding.port}`);
    let received = 0;
    client.on('message', () => received++);
    await once(client, 'open');
    client.pause();
    await sleep(500);
    expect(pulled * CHUNK).toBeLessThan(24 * MiB);
    const stalledAt = pulled;
    await sleep(200);
    expect(pulled).toBe(stalledAt);
    client.resume();
    await eventually('the client received everything', () => received === n, 20_000);
    expect(pulled).toBe(n);
    const closed = rawClosed(client);
    client.close(1000);
    expect((await closed).code).toBe(1000);
    await binding.terminate(100);
  });
});
