import { Attributes, Flow, Sink, Source, Supervision } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';

const sum = () => Flow.create<number>().scan(0, (a, x) => a + x);

describe('scan', () => {
  it('emits zero first, then each accumulation, only on demand', async () => {
    const [up, down] = probe(sum());
    down.request(1);
    await down.expectNext(0);
    await down.expectNoMessageWhenIdle();
    up.sendNextN([1, 2, 3]);
    await down.expectNoMessageWhenIdle();
    down.request(2);
    await down.expectNextN([1, 3]);
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 2);
    down.request(1);
    await down.expectNext(6);
    down.cancel();
  });

  it('emits every intermediate result (doc example)', async () => {
    expect(
      await Source.range(1, 4)
        .scan(0, (a, x) => a + x)
        .runWith(Sink.seq()),
    ).toEqual([0, 1, 3, 6, 10]);
  });

  it('factorial with bigint (as in the design doc)', async () => {
    const out = await Source.range(1, 5)
      .scan(1n, (acc, n) => acc * BigInt(n))
      .runWith(Sink.seq());
    expect(out).toEqual([1n, 1n, 2n, 6n, 24n, 120n]);
  });

  it('on an empty stream emits zero, then completes', async () => {
    expect(
      await Source.empty<number>()
        .scan(42, (a, x) => a + x)
        .runWith(Sink.seq()),
    ).toEqual([42]);
  });

  it('on an empty stream the zero waits for demand', async () => {
    const [up, down] = probe(Flow.create<number>().scan(42, (a, x) => a + x));
    up.sendComplete();
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext(42);
    await down.expectComplete();
  });

  it('completes without emitting zero twice when upstream completes after zero was sent', async () => {
    const [up, down] = probe(sum());
    down.request(1);
    await down.expectNext(0);
    up.sendComplete();
    await down.expectComplete();
  });

  it('completes right after the last accumulation without extra demand', async () => {
    const [up, down] = probe(sum());
    down.request(3);
    up.sendNextN([5, 6]).sendComplete();
    await down.expectNextN([0, 5, 11]);
    await down.expectComplete();
  });

  it('starts from zero again in each materialization', async () => {
    const src = Source.from([1, 1]).scan(10, (a, x) => a + x);
    expect(await src.runWith(Sink.seq())).toEqual([10, 11, 12]);
    expect(await src.runWith(Sink.seq())).toEqual([10, 11, 12]);
  });

  it('propagates upstream failure with the original error object', async () => {
    const e = boom();
    const [up, down] = probe(sum());
    down.request(2);
    await down.expectNext(0);
    await up.expectRequest();
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('propagates downstream cancellation upstream', async () => {
    const [up, down] = probe(sum());
    down.request(2);
    await down.expectNext(0);
    await up.expectRequest();
    down.cancel();
    await up.expectCancellation();
  });

  describe('supervision', () => {
    const failingOnNegative = () =>
      Flow.create<number>().scan(0, (a, x) => {
        if (x < 0) throw boom('negative');
        return a + x;
      });

    it('restart emits the seed again in place of the dropped element, then goes on from it (Pekko)', async () => {
      const [up, down] = probe(failingOnNegative().withAttributes(Attributes.supervisionStrategy(Supervision.restart)));
      down.request(3);
      up.sendNextN([1, 3]);
      await down.expectNextN([0, 1, 4]);
      up.sendNext(-1);
      await down.expectNoMessageWhenIdle(); // the seed waits for demand like any element
      down.request(1);
      await down.expectNext(0);
      down.request(2);
      up.sendNextN([5, 7]).sendComplete();
      await down.expectNextN([5, 12]);
      await down.expectComplete();
    });

    it('resume emits nothing for the dropped element and keeps the accumulator', async () => {
      const out = await Source.from([1, 3, -1, 5, 7])
        .via(failingOnNegative().withAttributes(Attributes.supervisionStrategy(Supervision.resume)))
        .runWith(Sink.seq());
      expect(out).toEqual([0, 1, 4, 9, 16]);
    });
  });
});
