import { Balance, Broadcast, Concat, Interleave, Merge, Sink, Source, ZipN } from '@tributary/core';
import { settle, TestSink } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';

describe('Source.combine / Sink.combine', () => {
  it('Source.combine joins sources with the given fan-in junction', async () => {
    const sources = [Source.from([1, 2]), Source.from([3]), Source.from([4, 5])];
    expect(await Source.combine(sources, (n) => Concat.create<number>(n)).runWith(Sink.seq())).toEqual([1, 2, 3, 4, 5]);
    expect((await Source.combine(sources, (n) => Merge.create<number>(n)).runWith(Sink.seq())).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(await Source.combine(sources, (n) => Interleave.create<number>(n, 1)).runWith(Sink.seq())).toEqual([1, 3, 4, 2, 5]);
    expect(await Source.combine(sources, (n) => ZipN.create<number>(n)).runWith(Sink.seq())).toEqual([[1, 3, 4]]);
  });

  it('Source.combine is demand-driven like its junction', async () => {
    const down = Source.combine([Source.repeat(1), Source.repeat(2)], (n) => Merge.create<number>(n)).runWith(TestSink.probe<number>());
    await down.expectNoMessageWhenIdle();
    down.request(2);
    await down.expectNext();
    await down.expectNext();
    await down.expectNoMessageWhenIdle();
    down.cancel();
  });

  it('Source.combine validates its arguments', () => {
    expect(() => Source.combine([], (n) => Merge.create<number>(n))).toThrow(/Source.combine: sources must be a non-empty array of Sources/);
    expect(() => Source.combine([Source.single(1)], () => Merge.create<number>(2))).toThrow(
      /fanInStrategy\(1\) must return a fan-in junction with 1 inlets and one outlet, got 2 inlets/,
    );
  });

  it('Sink.combine fans out to several sinks', async () => {
    const a: number[] = [];
    const b: number[] = [];
    await Source.range(1, 4).runWith(
      Sink.combine([Sink.foreach((x: number) => a.push(x)), Sink.foreach((x: number) => b.push(x))], (n) => Broadcast.create<number>(n)),
    );
    await settle();
    expect(a).toEqual([1, 2, 3, 4]);
    expect(b).toEqual([1, 2, 3, 4]);

    const seen: number[] = [];
    Source.range(1, 10).runWith(
      Sink.combine([Sink.foreach((x: number) => seen.push(x)), Sink.foreach((x: number) => seen.push(x))], (n) => Balance.create<number>(n)),
    );
    await settle();
    expect(seen.sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('Sink.combine validates its arguments', () => {
    expect(() => Sink.combine([], (n) => Broadcast.create<number>(n))).toThrow(/Sink.combine: sinks must be a non-empty array of Sinks/);
    expect(() => Sink.combine([Sink.ignore()], () => Merge.create<number>(2) as never)).toThrow(/fanOutStrategy\(1\) must return a fan-out junction/);
  });
});
