import { Source, StreamConverters } from '@tributary/core';
import { TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, eventually } from './harness.js';

describe('StreamConverters.asReadable', () => {
  it('pulls only while the readable buffer is below highWaterMark', async () => {
    const [up, r] = TestSource.probe<Buffer>()
      .toMat(StreamConverters.asReadable<Buffer>({ highWaterMark: 4 }), (a, b) => [a, b] as const)
      .run();
    await up.expectNoMessageWhenIdle(); // Node asks for data only once someone reads
    expect(r.read(0)).toBe(null);
    // Node fills its buffer: one _read (= one pull) per push until 4 bytes are buffered.
    for (let i = 0; i < 4; i++) {
      expect(await up.expectRequest()).toBe(1);
      up.sendNext(Buffer.from([i]));
    }
    await up.expectNoMessageWhenIdle();
    expect(r.readableLength).toBe(4);
    expect(r.read(2)).toEqual(Buffer.from([0, 1]));
    await up.expectRequest(); // reading made room
    r.destroy();
    await up.expectCancellation();
  });

  it('object mode: elements, completion and failure', async () => {
    const r = Source.range(1, 5).runWith(StreamConverters.asReadable<number>({ objectMode: true }));
    const got: number[] = [];
    for await (const x of r) got.push(x as number);
    expect(got).toEqual([1, 2, 3, 4, 5]);

    const e = boom();
    const failing = Source.failed<number>(e).runWith(StreamConverters.asReadable<number>({ objectMode: true }));
    await expect(
      (async () => {
        for await (const _ of failing) void _;
      })(),
    ).rejects.toBe(e);
  });

  it('byte mode refuses non-byte elements', async () => {
    const r = Source.single(42 as unknown as Uint8Array).runWith(StreamConverters.asReadable());
    let error: unknown;
    r.on('error', (e) => (error = e));
    r.resume();
    await eventually(() => error !== undefined, 'error');
    expect(error).toBeInstanceOf(TypeError);
  });

  it('validates highWaterMark', () => {
    expect(() => StreamConverters.asReadable({ highWaterMark: 0 })).toThrow(RangeError);
  });
});
