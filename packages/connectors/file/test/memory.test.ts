/**
 * Reading never holds the file: a 1 GiB file read into a slow sink keeps the live memory it retains as
 * small as a 64 MiB file does. What is measured is the live heap plus the ArrayBuffers (where Buffer
 * bytes live, outside the JS heap), sampled right after forced full GCs every 1/20 of the file, so
 * garbage not yet collected does not count. A source that read ahead without bound would retain memory
 * in proportion to the file (and 16× more for the large run).
 *
 * The files are sparse (made with truncate): reading their holes costs no disk space and little disk
 * time, but goes through exactly the same read path as any file.
 */
import fs from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Keep, Materializer, Sink } from '@tributary/core';
import { FileIO } from '@tributary/file';
import { describe, expect, it } from 'vitest';
import { sleep, useTempDir } from './helpers.js';

/** `global.gc` if node runs with --expose-gc, else the flag is switched on at runtime (as bench/ does). */
function resolveGc(): () => void {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return exposed as () => void;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

const MiB = 2 ** 20;
const ChunkSize = 64 * 1024;

function liveBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Reads `file` (of `size` bytes) into a slow sink; returns the peak live-memory growth over the run. */
async function peakLiveGrowth(file: string, size: number, gc: () => void): Promise<number> {
  const mat = new Materializer({ logger: null });
  gc();
  gc();
  const base = liveBytes();
  let peak = 0;
  const chunks = size / ChunkSize;
  const every = Math.floor(chunks / 20);
  let count = 0;
  const [io, done] = FileIO.fromPath(file, { chunkSize: ChunkSize })
    .toMat(
      Sink.foreachAsync(1, (chunk: Buffer) => {
        if (chunk.length !== ChunkSize) throw new Error(`unexpected chunk of ${chunk.length} bytes`);
        if (++count % every === 0) {
          // Twice: V8 frees ArrayBuffer memory in a sweeper that the next full GC waits for.
          gc();
          gc();
          peak = Math.max(peak, liveBytes() - base);
        }
        // The slow consumer: a 1 ms pause every 16 chunks (1 MiB), slower than reading.
        return count % 16 === 0 ? sleep(1) : undefined;
      }),
      Keep.both,
    )
    .run(mat);
  await done;
  expect(await io).toEqual({ count: size });
  expect(count).toBe(chunks);
  return peak;
}

describe('FileIO.fromPath memory', () => {
  const tmp = useTempDir();

  it('retains the same small amount for a 1 GiB file as for a 64 MiB one, read into a slow sink', async () => {
    const gc = resolveGc();
    const small = tmp.file('small.bin');
    const large = tmp.file('large.bin');
    fs.writeFileSync(small, '');
    fs.truncateSync(small, 64 * MiB);
    fs.writeFileSync(large, '');
    fs.truncateSync(large, 1024 * MiB);
    const smallPeak = await peakLiveGrowth(small, 64 * MiB, gc);
    const largePeak = await peakLiveGrowth(large, 1024 * MiB, gc);
    const report = `peak live growth: 64 MiB file → ${(smallPeak / MiB).toFixed(2)} MiB, 1 GiB file → ${(largePeak / MiB).toFixed(2)} MiB`;
    expect(largePeak, report).toBeLessThan(2 * smallPeak + 4 * MiB);
    expect(largePeak, report).toBeLessThan(16 * MiB);
  }, 60_000);
});
