/**
 * Back-pressure reaches the socket, both ways: 1 GiB through a side that stops reading for a while
 * and then drains. While it does not read, the other side stops producing (the bytes wait in kernel
 * buffers, not in our memory), and live memory (heap + array buffers, measured after GC) never grows
 * by more than 64 MiB over the whole transfer.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Sink, Source } from '@tributary/core';
import { ConnectionPoolSettings, Http, HttpEntity, HttpRequest, HttpResponse, type ServerBinding, ServerSettings } from '@tributary/http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { activeResources, expectNoLeaks, sleep } from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const chunk = Buffer.alloc(64 * 1024, 7);
const chunks = GiB / chunk.length;
const bound = 64 * MiB;

/**
 * Samples live memory (after a full GC, once a second: forcing GC more often slows the transfer down a
 * lot) until stopped; returns the largest growth over the baseline. Tests also sample at the end of
 * their stalled phase, where a buffering bug would show most.
 */
function memoryWatch(): { sample(): void; stop(): number } {
  gc();
  const live = (): number => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const baseline = live();
  let peak = 0;
  const timer = setInterval(() => {
    gc();
    peak = Math.max(peak, live() - baseline);
  }, 1000);
  return {
    sample() {
      gc();
      peak = Math.max(peak, live() - baseline);
    },
    stop() {
      clearInterval(timer);
      gc();
      return Math.max(peak, live() - baseline);
    },
  };
}

let before: Record<string, number>;
let binding: ServerBinding | null = null;

beforeEach(() => {
  before = activeResources();
});

afterEach(async () => {
  await binding?.terminate(1000);
  binding = null;
  await expectNoLeaks(before);
});

const serverSettings = ServerSettings.default.withMaxRequestEntityBytes(Infinity).withRequestTimeoutMs(120_000);

describe('back-pressure to the socket', () => {
  it('a 1 GiB upload to a handler that does not read for a while: the client stops sending, memory stays bounded', async () => {
    let produced = 0;
    const upload = Source.repeat(chunk)
      .take(chunks)
      .map((c) => {
        produced++;
        return c;
      });
    let openGate!: () => void;
    const gate = new Promise<void>((r) => (openGate = r));
    let markStarted!: () => void;
    const started = new Promise<void>((r) => (markStarted = r));
    binding = await Http.newServerAt('127.0.0.1', 0)
      .withSettings(serverSettings)
      .bind(async (req) => {
        markStarted();
        await gate;
        const n = await req.entity.dataBytes.runWith(Sink.fold(0, (acc, b: Buffer) => acc + b.length));
        return HttpResponse.ok(String(n));
      });
    const watch = memoryWatch();
    const response = Http.singleRequest(HttpRequest.post(`http://127.0.0.1:${binding.port}/upload`, HttpEntity.streamed(upload)));
    await started;
    await sleep(400);
    const whilePaused = produced;
    await sleep(400);
    watch.sample();
    // Nothing more was taken from the source while the handler did not read: the upload is stalled.
    expect(produced).toBe(whilePaused);
    expect(whilePaused * chunk.length).toBeLessThan(bound);
    openGate();
    const r = await response;
    expect(await r.entity.text()).toBe(String(GiB));
    expect(produced).toBe(chunks);
    expect(watch.stop()).toBeLessThan(bound);
  }, 120_000);

  it('a 1 GiB download by a client that does not read for a while: the server stops producing, memory stays bounded', async () => {
    let served = 0;
    const download = Source.repeat(chunk)
      .take(chunks)
      .map((c) => {
        served++;
        return c;
      });
    binding = await Http.newServerAt('127.0.0.1', 0)
      .withSettings(serverSettings)
      .bind(() => HttpResponse.ok(HttpEntity.streamed(download)));
    const watch = memoryWatch();
    const response = await Http.singleRequest(
      HttpRequest.get(`http://127.0.0.1:${binding.port}/download`),
      ConnectionPoolSettings.default.withResponseEntitySubscriptionTimeoutMs(10_000),
    );
    const bytes = response.entity.dataBytes.runWith(Sink.asAsyncIterable());
    await sleep(400);
    const whilePaused = served;
    await sleep(400);
    watch.sample();
    expect(served).toBe(whilePaused);
    expect(whilePaused * chunk.length).toBeLessThan(bound);
    let received = 0;
    for await (const b of bytes) received += b.length;
    expect(received).toBe(GiB);
    expect(served).toBe(chunks);
    expect(watch.stop()).toBeLessThan(bound);
  }, 120_000);
});
