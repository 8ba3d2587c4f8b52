import { Readable } from 'node:stream';
import { Sink, StreamConverters } from '@tributary/core';
import { TestSink } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, eventually } from './harness.js';

/** An object-mode readable of 0..n-1 that counts how often Node asked it for data. */
function counting(n: number, highWaterMark = 4): Readable & { reads: number } {
  let i = 0;
  const r = new Readable({
    objectMode: true,
    highWaterMark,
    read() {
      r.reads++;
      this.push(i < n ? i++ : null);
    },
  }) as Readable & { reads: number };
  r.reads = 0;
  return r;
}

describe('StreamConverters.fromReadable', () => {
  it('validates its argument', () => {
    expect(() => StreamConverters.fromReadable(null as never)).toThrow(/fromReadable: create must be a function/);
  });

  it('reads only up to the readable highWaterMark while downstream backpressures', async () => {
    const r = counting(1000, 4);
    const down = StreamConverters.fromReadable<number>(() => r).runWith(TestSink.probe<number>());
    down.request(2);
    await down.expectNextN([0, 1]);
    await down.expectNoMessageWhenIdle();
    expect(r.readableLength).toBeLessThanOrEqual(4);
    expect(r.reads).toBeLessThanOrEqual(2 + 4 + 1);
    down.cancel();
    await eventually(() => r.destroyed, 'destroyed on cancel');
  });

  it('emits everything, then completes; bytes arrive as Buffers', async () => {
    expect(await StreamConverters.fromReadable<number>(() => counting(10)).runWith(Sink.seq())).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const bytes = await StreamConverters.fromReadable(() => Readable.from([Buffer.from('ab'), Buffer.from('cd')], { objectMode: false })).runWith(Sink.seq());
    expect(Buffer.concat(bytes).toString()).toBe('abcd');
  });

  it('fails with the readable error, and on a premature close', async () => {
    const e = boom();
    const failing = new Readable({
      objectMode: true,
      read() {
        this.destroy(e);
      },
    });
    await expect(StreamConverters.fromReadable(() => failing).runWith(Sink.seq())).rejects.toBe(e);
    const closing = new Readable({
      objectMode: true,
      read() {
        this.destroy();
      },
    });
    await expect(StreamConverters.fromReadable(() => closing).runWith(Sink.seq())).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });
});
