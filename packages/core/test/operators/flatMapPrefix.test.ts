import { Flow, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probe } from './harness.js';

describe('flatMapPrefix', () => {
  it('builds a flow from the first n elements and runs the rest through it', async () => {
    const out = await Source.from(['x2', '1', '2', '3'])
      .flatMapPrefix(1, ([header]) => {
        const k = Number(header!.slice(1));
        return Flow.create<string>().map((s) => Number(s) * k);
      })
      .runWith(Sink.seq());
    expect(out).toEqual([2, 4, 6]);
  });

  it('with fewer than n elements calls f with what arrived', async () => {
    let seen: number[] | undefined;
    const out = await Source.from([1])
      .flatMapPrefix(3, (prefix) => {
        seen = prefix;
        return Flow.create<number>();
      })
      .runWith(Sink.seq());
    expect(seen).toEqual([1]);
    expect(out).toEqual([]);
  });

  it('flatMapPrefix(0) calls f with [] and passes everything through the flow', async () => {
    expect(
      await Source.range(1, 3)
        .flatMapPrefix(0, () => Flow.create<number>().map((x) => -x))
        .runWith(Sink.seq()),
    ).toEqual([-1, -2, -3]);
  });

  it('collects the prefix only on demand, then lets the flow drive demand', async () => {
    const [up, down] = probe(Flow.create<number>().flatMapPrefix(2, (p) => Flow.create<number>().map((x) => x + p[0]! + p[1]!)));
    await up.expectNoMessageWhenIdle();
    down.request(1);
    await up.expectRequest();
    up.sendNext(1);
    await up.expectRequest();
    up.sendNext(2);
    await up.expectRequest();
    up.sendNext(10);
    await down.expectNext(13);
    await up.expectNoMessageWhenIdle();
    down.request(1);
    await up.expectRequest();
    up.sendComplete();
    await down.expectComplete();
  });

  it('the flow completing early cancels upstream', async () => {
    const [up, down] = probe(Flow.create<number>().flatMapPrefix(1, () => Flow.create<number>().take(1)));
    down.request(5);
    up.sendNextN([1, 2]);
    await down.expectNext(2);
    await down.expectComplete();
    await up.expectCancellation();
  });

  it('fails with upstream’s error (before or after the prefix) and with a throwing f', async () => {
    const e = boom();
    await expect(
      Source.failed<number>(e)
        .flatMapPrefix(1, () => Flow.create<number>())
        .runWith(Sink.seq()),
    ).rejects.toBe(e);
    await expect(
      Source.range(1, 3)
        .concat(Source.failed<number>(e))
        .flatMapPrefix(1, () => Flow.create<number>())
        .runWith(Sink.seq()),
    ).rejects.toBe(e);
    await expect(
      Source.range(1, 3)
        .flatMapPrefix(1, () => {
          throw e;
        })
        .runWith(Sink.seq()),
    ).rejects.toBe(e);
  });

  it('f returning something that is not a flow fails with a clear error', async () => {
    await expect(
      Source.range(1, 3)
        .flatMapPrefix(1, () => Sink.ignore() as never)
        .runWith(Sink.seq()),
    ).rejects.toThrow(/flatMapPrefix: f must return a Flow/);
  });
});
