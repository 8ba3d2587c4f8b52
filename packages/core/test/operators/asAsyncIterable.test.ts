import { Sink, Source } from '@tributary/core';
import { TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom } from './harness.js';

describe('Sink.asAsyncIterable and for await over a Source', () => {
  it('pulls exactly one element per next(), nothing ahead', async () => {
    const [up, it] = TestSource.probe<number>()
      .toMat(Sink.asAsyncIterable<number>(), (a, b) => [a, b] as const)
      .run();
    await up.expectNoMessageWhenIdle();
    const first = it.next();
    expect(await up.expectRequest()).toBe(1);
    up.sendNext(1);
    expect(await first).toEqual({ done: false, value: 1 });
    await up.expectNoMessageWhenIdle();
    const second = it.next();
    await up.expectRequest();
    up.sendComplete();
    expect(await second).toEqual({ done: true, value: undefined });
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it('return() cancels the stream', async () => {
    const [up, it] = TestSource.probe<number>()
      .toMat(Sink.asAsyncIterable<number>(), (a, b) => [a, b] as const)
      .run();
    expect(await it.return!()).toEqual({ done: true, value: undefined });
    await up.expectCancellation();
  });

  it('a failure rejects next() with the original error, then the iterator is done', async () => {
    const e = boom();
    const it = Source.failed<number>(e).runWith(Sink.asAsyncIterable<number>());
    await expect(it.next()).rejects.toBe(e);
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it('for await iterates a source; each loop materializes it afresh', async () => {
    const src = Source.range(1, 4).map((x) => x * 10);
    const a: number[] = [];
    for await (const x of src) a.push(x);
    const b: number[] = [];
    for await (const x of src) b.push(x);
    expect(a).toEqual([10, 20, 30, 40]);
    expect(b).toEqual(a);
  });

  it('break cancels the stream; errors are thrown from the loop', async () => {
    let cancelled = false;
    async function* gen(): AsyncGenerator<number> {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        cancelled = true;
      }
    }
    for await (const x of Source.from(gen())) if (x === 2) break;
    for (let i = 0; i < 50 && !cancelled; i++) await new Promise((r) => setTimeout(r, 2));
    expect(cancelled).toBe(true);

    const e = boom();
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const x of Source.from([1, 2, 3]).map((x) =>
          x === 3
            ? (() => {
                throw e;
              })()
            : x,
        ))
          seen.push(x);
      })(),
    ).rejects.toBe(e);
    expect(seen).toEqual([1, 2]);
  });
});
