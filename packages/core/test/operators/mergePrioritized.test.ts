import { MergePrioritized, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probe2 } from '../graph/harness.js';

describe('mergePrioritized', () => {
  it('emits from whichever side has an element when only one has', async () => {
    const { a, b, down } = probe2<number, number, number>((x, y) => x.mergePrioritized(y, 1, 1));
    down.request(2);
    b.sendNext(5);
    await down.expectNext(5);
    a.sendNext(1);
    await down.expectNext(1);
    down.cancel();
  });

  it('when both sides have elements, picks by priority (weights 1 : 9)', async () => {
    // Both sides always have an element waiting: the right one is chosen with probability 9/10
    // (expected 360 of 400; the bounds are more than 6 standard deviations away).
    const out = await Source.repeat('low').mergePrioritized(Source.repeat('high'), 1, 9).take(400).runWith(Sink.seq());
    const high = out.filter((x) => x === 'high').length;
    expect(high).toBeGreaterThan(320);
    expect(high).toBeLessThan(395);
  });

  it('emits only on demand and keeps one element per input waiting', async () => {
    const { a, b, down } = probe2<number, number, number>((x, y) => x.mergePrioritized(y, 2, 1));
    await a.expectRequest();
    await b.expectRequest();
    a.sendNext(1);
    b.sendNext(2);
    await down.expectNoMessageWhenIdle();
    await a.expectNoMessageWhenIdle();
    down.request(2);
    expect([await down.expectNext(), await down.expectNext()].sort()).toEqual([1, 2]);
    down.cancel();
  });

  it('fails with an input’s error and completes when both completed', async () => {
    const e = boom();
    await expect(Source.failed<number>(e).mergePrioritized(Source.never<number>(), 1, 1).runWith(Sink.seq())).rejects.toBe(e);
    expect(
      (
        await Source.from([1])
          .mergePrioritized(Source.from([2]), 1, 1)
          .runWith(Sink.seq())
      ).sort(),
    ).toEqual([1, 2]);
  });

  it('validates priorities at build time', () => {
    expect(() => Source.single(1).mergePrioritized(Source.single(2), 0, 1)).toThrow(/MergePrioritized: every priority must be a positive integer, got 0/);
    expect(() => MergePrioritized.create<number>([])).toThrow(/non-empty array/);
  });
});
