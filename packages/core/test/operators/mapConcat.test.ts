import { Flow, Sink, Source } from '@tributary/core';
import { TestSink } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';

describe('mapConcat', () => {
  it('emits the iterable one element per demand, pulling upstream only when it is used up', async () => {
    const [up, down] = probe(Flow.create<number>().mapConcat((x) => [x, x, x]));
    down.request(2);
    up.sendNextN([1, 2]);
    await down.expectNextN([1, 1]);
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 1);
    down.request(2);
    await down.expectNext(1);
    await down.expectNext(2);
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 1);
    down.cancel();
  });

  it('flattens in order (doc example)', async () => {
    expect(
      await Source.from([1, 2])
        .mapConcat((x) => [x, x])
        .runWith(Sink.seq()),
    ).toEqual([1, 1, 2, 2]);
  });

  it('skips elements mapped to an empty iterable by pulling again', async () => {
    const [up, down] = probe(Flow.create<number>().mapConcat((x) => (x % 2 === 0 ? [x] : [])));
    down.request(1);
    up.sendNextN([1, 3, 4, 5]);
    await down.expectNext(4);
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 3);
    down.cancel();
  });

  it('accepts any iterable object (Set, Map, generator)', async () => {
    const out = await Source.from([1, 2, 3])
      .mapConcat((x): Iterable<string> => {
        if (x === 1) return new Set(['a', 'b']);
        if (x === 2) return new Map([['c', 1]]).keys();
        return (function* () {
          yield 'd';
          yield 'e';
        })();
      })
      .runWith(Sink.seq());
    expect(out).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('accepts a string, which is an Iterable<string> (as Source.from does)', async () => {
    const out = await Source.from(['ab', '', 'c'])
      .mapConcat((s) => s)
      .runWith(Sink.seq());
    expect(out).toEqual(['a', 'b', 'c']);
  });

  it('is lazy: an infinite iterable works with take, and is only read on demand', async () => {
    let produced = 0;
    const naturals = function* (): Generator<number> {
      for (let i = 0; ; i++) {
        produced++;
        yield i;
      }
    };
    expect(await Source.single(0).mapConcat(naturals).take(5).runWith(Sink.seq())).toEqual([0, 1, 2, 3, 4]);

    produced = 0;
    const down = Source.single(0).mapConcat(naturals).runWith(TestSink.probe<number>());
    down.request(3);
    await down.expectNextN([0, 1, 2]);
    await down.expectNoMessageWhenIdle();
    // at most one element of look-ahead is acceptable; reading ahead without bound is not
    expect(produced).toBeGreaterThanOrEqual(3);
    expect(produced).toBeLessThanOrEqual(4);
    down.cancel();
  });

  it('on upstream completion, emits the rest of the current iterable on demand, then completes', async () => {
    const [up, down] = probe(Flow.create<number>().mapConcat((x) => [x, x + 1, x + 2]));
    down.request(1);
    up.sendNext(10).sendComplete();
    await down.expectNext(10);
    await down.expectNoMessageWhenIdle();
    down.request(5);
    await down.expectNextN([11, 12]);
    await down.expectComplete();
  });

  it('completes right after the last element of the last iterable, without extra demand', async () => {
    const [up, down] = probe(Flow.create<number>().mapConcat((x) => [x, x]));
    down.request(2);
    up.sendNext(1).sendComplete();
    await down.expectNextN([1, 1]);
    await down.expectComplete();
  });

  it('propagates upstream completion', async () => {
    const [up, down] = probe(Flow.create<number>().mapConcat((x) => [x]));
    down.request(1);
    await up.expectRequest();
    up.sendComplete();
    await down.expectComplete();
  });

  it('propagates upstream failure with the original error object (even with a pending iterable)', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<number>().mapConcat((x) => [x, x]));
    down.request(1);
    up.sendNext(1);
    await down.expectNext(1);
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('propagates downstream cancellation upstream', async () => {
    const [up, down] = probe(Flow.create<number>().mapConcat((x) => [x, x]));
    down.request(1);
    up.sendNext(1);
    await down.expectNext(1);
    down.cancel();
    await up.expectCancellation();
  });

  it('cancelling while iterating a generator lets the generator clean up (return())', async () => {
    let finalized = false;
    const down = Source.single(0)
      .mapConcat(function* () {
        try {
          for (let i = 0; ; i++) yield i;
        } finally {
          finalized = true;
        }
      })
      .runWith(TestSink.probe<number>());
    down.request(2);
    await down.expectNextN([0, 1]);
    down.cancel();
    await down.expectNoMessageWhenIdle();
    expect(finalized).toBe(true);
  });

  it('fails with a TypeError when f returns something that is not iterable', async () => {
    const [up, down] = probe(Flow.create<number>().mapConcat(() => 42 as unknown as Iterable<number>));
    down.request(1);
    up.sendNext(1);
    const err = await down.expectError();
    expect(err).toBeInstanceOf(TypeError);
    expect(String((err as Error).message)).toMatch(/mapConcat/);
    await up.expectCancellation();
  });
});
