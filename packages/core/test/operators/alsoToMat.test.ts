import { Flow, Keep, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';

describe('alsoToMat', () => {
  it('combines this stream’s and the sink’s materialized values', async () => {
    const [side, main] = Source.range(1, 3)
      .alsoToMat(Sink.seq<number>(), Keep.right)
      .toMat(
        Sink.fold(0, (a, x: number) => a + x),
        Keep.both,
      )
      .run();
    expect(await side).toEqual([1, 2, 3]);
    expect(await main).toBe(6);
  });

  it('on a Flow keeps the flow’s input type and combines values', async () => {
    const flow: Flow<number, number, [undefined, Promise<number[]>]> = Flow.create<number>().alsoToMat(Sink.seq<number>(), Keep.both);
    const [[, seen], out] = Source.from([4, 5]).viaMat(flow, Keep.right).toMat(Sink.seq<number>(), Keep.both).run();
    expect(await out).toEqual([4, 5]);
    expect(await seen).toEqual([4, 5]);
  });

  it('behaves like alsoTo for demand and termination', async () => {
    const e = new Error('boom');
    const [side, main] = Source.failed<number>(e).alsoToMat(Sink.seq<number>(), Keep.right).toMat(Sink.seq<number>(), Keep.both).run();
    await expect(side).rejects.toBe(e);
    await expect(main).rejects.toBe(e);
  });

  it('requires a combine function', () => {
    expect(() => Source.single(1).alsoToMat(Sink.ignore(), undefined as never)).toThrow(/alsoToMat: combine must be a function/);
  });
});
