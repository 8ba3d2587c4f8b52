/**
 * A decompression bomb — 1 GiB of zeros in about 1 MiB of gzip — must inflate only as fast as
 * downstream takes it: memory stays flat and nothing is emitted beyond demand.
 *
 * The bomb is 1024 gzip members of 1 MiB of zeros each (a valid gzip file; building one member of
 * 1 GiB would cost seconds of compression for the same test).
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import zlib from 'node:zlib';
import { Compression, Sink, Source } from '@tributary/core';
import { TestSink } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { QUIET_MS } from './harness.js';

const MiB = 1 << 20;
const MEMBERS = 1024;
const member = zlib.gzipSync(Buffer.alloc(MiB), { level: 9 });

/** The bomb as a source, counting how many members have been taken from it. */
function bomb(): { source: Source<Buffer>; taken: () => number } {
  let taken = 0;
  const source = Source.from({
    *[Symbol.iterator]() {
      for (let i = 0; i < MEMBERS; i++) {
        taken++;
        yield member;
      }
    },
  });
  return { source, taken: () => taken };
}

function exposeGc(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** Live memory: the JS heap plus the Buffers outside it. */
function liveBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

describe('Compression.gunzip and a decompression bomb', () => {
  it('the bomb is what it claims: about 1 MiB that inflates to 1 GiB', () => {
    expect(member.length * MEMBERS).toBeLessThan(1.5 * MiB);
    expect(zlib.gunzipSync(Buffer.concat([member, member])).length).toBe(2 * MiB);
  });

  it('pulled one chunk at a time, it emits one chunk of at most 64 KiB per pull and reads only a little of its input', async () => {
    const { source, taken } = bomb();
    const down = source.via(Compression.gunzip()).runWith(TestSink.probe<Buffer>());
    await down.expectNoMessage(QUIET_MS);
    const pulls = 320; // 20 MiB of output
    for (let i = 0; i < pulls; i++) {
      down.request(1);
      const chunk = await down.expectNext();
      expect(chunk.length).toBeLessThanOrEqual(64 * 1024);
      expect(chunk.every((x) => x === 0)).toBe(true);
    }
    await down.expectNoMessage(QUIET_MS);
    // 20 MiB out needs 20 members; the input read ahead is bounded (zlib's 128 KiB input buffer), not the bomb.
    expect(taken()).toBeGreaterThanOrEqual(20);
    expect(taken() * member.length).toBeLessThan(256 * 1024);
    expect(taken()).toBeLessThan(MEMBERS / 4);
    down.cancel();
  });

  it('inflated completely by a consumer, the whole GiB passes with memory flat', async () => {
    const gc = exposeGc();
    const settledLiveBytes = async (): Promise<number> => {
      // Buffers' memory is released after a collection, on a later turn: give it one before measuring.
      gc();
      await new Promise((r) => setImmediate(r));
      gc();
      return liveBytes();
    };
    const baseline = await settledLiveBytes();
    let retainedPeak = 0;
    let chunks = 0;
    let total = 0;
    const { source } = bomb();
    await source.via(Compression.gunzip()).runWith(
      Sink.foreachAsync(1, async (chunk: Buffer) => {
        total += chunk.length;
        // Every 64 MiB of output: what is still reachable is what the stream holds.
        if (++chunks % 1024 === 0) retainedPeak = Math.max(retainedPeak, (await settledLiveBytes()) - baseline);
      }),
    );
    expect(total).toBe(MEMBERS * MiB);
    // Without back-pressure this would be a good part of the GiB; with it, a few chunks and zlib's buffers.
    expect(retainedPeak).toBeLessThan(16 * MiB);
  }, 120_000);
});
