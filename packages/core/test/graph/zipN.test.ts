import { MergeLatest, MergeSorted, Sink, Source, Zip, ZipLatest, ZipLatestWith, ZipN, ZipWith, ZipWithN } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probeJunction } from './harness.js';

describe('ZipN / ZipWithN junctions, Source.zipN / Source.zipWithN', () => {
  it('Source.zipN zips any number of sources into arrays, truncated to the shortest', async () => {
    expect(await Source.zipN([Source.from([1, 2, 3]), Source.from([4, 5]), Source.from([6, 7, 8])]).runWith(Sink.seq())).toEqual([
      [1, 4, 6],
      [2, 5, 7],
    ]);
    expect(await Source.zipN<number>([]).runWith(Sink.seq())).toEqual([]);
    expect(await Source.zipN([Source.from([1, 2])]).runWith(Sink.seq())).toEqual([[1], [2]]);
  });

  it('Source.zipWithN combines one element of each source', async () => {
    expect(
      await Source.zipWithN(
        (xs: readonly number[]) => xs.reduce((a, x) => a + x, 0),
        [Source.from([1, 2]), Source.from([10, 20]), Source.from([100, 200])],
      ).runWith(Sink.seq()),
    ).toEqual([111, 222]);
  });

  it('ZipN pulls every input one ahead and emits only when all have an element and downstream asked', async () => {
    const {
      ups,
      downs: [down],
    } = probeJunction<number, number[]>(ZipN.create<number>(3));
    for (const up of ups) await up.expectRequest();
    ups[0]!.sendNext(1);
    ups[1]!.sendNext(2);
    down!.request(1);
    await down!.expectNoMessageWhenIdle();
    ups[2]!.sendNext(3);
    await down!.expectNext([1, 2, 3]);
    ups[1]!.sendComplete();
    await down!.expectComplete();
    await ups[0]!.expectCancellation();
  });

  it('ZipWithN fails with an input’s error and validates its arguments', async () => {
    const e = boom();
    const {
      ups,
      downs: [down],
    } = probeJunction<number, number>(ZipWithN.create((xs: readonly number[]) => xs.length, 2));
    down!.request(1);
    ups[1]!.sendError(e);
    expect(await down!.expectError()).toBe(e);
    expect(() => ZipWithN.create((xs: readonly number[]) => xs, 0)).toThrow(/zipWithN: inputs must be a positive integer, got 0/);
    expect(() => ZipN.create(-1)).toThrow(/zipN: inputs must be a positive integer, got -1/);
  });

  it('the two-input junctions have FanInShape2 ports named after them', () => {
    expect(Zip.create<number, string>().shape.in0.name).toBe('Zip.in0');
    expect(ZipWith.create((a: number, b: number) => a + b).shape.out.name).toBe('ZipWith.out');
    expect(ZipLatest.create<number, number>().shape.in1.name).toBe('ZipLatest.in1');
    expect(ZipLatestWith.create((a: number, b: number) => a - b).shape.in0.name).toBe('ZipLatestWith.in0');
    expect(MergeSorted.create<number>().shape.inlets.map((p) => p.name)).toEqual(['MergeSorted.in0', 'MergeSorted.in1']);
    expect(MergeLatest.create<number>(3).shape.inlets.length).toBe(3);
  });
});
