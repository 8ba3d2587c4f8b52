import { Materializer, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';

const turn = (): Promise<void> => new Promise<void>((r) => setImmediate(r));

describe('Materializer.isIdle and runCount', () => {
  it('a fresh materializer is idle and has run nothing', () => {
    const mat = new Materializer();
    expect(mat.isIdle).toBe(true);
    expect(mat.runCount).toBe(0);
  });

  it('is busy from run() until the islands have done their work, and counts the runs', async () => {
    const mat = new Materializer();
    const done = Source.range(1, 3).runWith(Sink.seq(), mat);
    expect(mat.isIdle).toBe(false); // the island is scheduled, not run yet (run() never runs it synchronously)
    expect(mat.runCount).toBe(0);
    expect(await done).toEqual([1, 2, 3]);
    await turn();
    expect(mat.isIdle).toBe(true);
    expect(mat.runCount).toBeGreaterThan(0);
  });

  it('a stream waiting on a promise that has not settled is idle; settling it wakes the island', async () => {
    const mat = new Materializer();
    let resolve!: (n: number) => void;
    const pending = new Promise<number>((r) => (resolve = r));
    const done = Source.single(0)
      .mapAsync(1, () => pending)
      .runWith(Sink.seq(), mat);
    await turn();
    expect(mat.isIdle).toBe(true);
    const before = mat.runCount;
    resolve(7);
    expect(await done).toEqual([7]);
    expect(mat.runCount).toBeGreaterThan(before);
  });
});
