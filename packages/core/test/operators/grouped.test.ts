import { Flow, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';

describe('grouped', () => {
  it('emits a group only on demand, pulling n elements for it', async () => {
    const [up, down] = probe(Flow.create<number>().grouped(3));
    down.request(1);
    up.sendNextN([1, 2, 3, 4, 5, 6, 7]);
    await down.expectNext([1, 2, 3]);
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 3);
    down.request(1);
    await down.expectNext([4, 5, 6]);
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 3);
    down.cancel();
  });

  it('chunks into arrays of n; the last one may be shorter (doc example)', async () => {
    expect(await Source.range(1, 5).grouped(2).runWith(Sink.seq())).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('emits no empty trailing group when the length is a multiple of n', async () => {
    expect(await Source.range(1, 4).grouped(2).runWith(Sink.seq())).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('grouped(1) wraps each element', async () => {
    expect(await Source.range(1, 3).grouped(1).runWith(Sink.seq())).toEqual([[1], [2], [3]]);
  });

  it('emitted groups are independent arrays, never mutated afterwards', async () => {
    const groups = await Source.range(1, 6).grouped(2).runWith(Sink.seq());
    expect(groups[0]).not.toBe(groups[1]);
    expect(groups).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });

  it('on upstream completion emits the partial group only when demanded, then completes', async () => {
    const [up, down] = probe(Flow.create<number>().grouped(2));
    down.request(1);
    up.sendNextN([1, 2, 3]).sendComplete();
    await down.expectNext([1, 2]);
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext([3]);
    await down.expectComplete();
  });

  it('upstream completion with a partial group already waiting for demand', async () => {
    const [up, down] = probe(Flow.create<number>().grouped(5));
    down.request(1);
    up.sendNextN([1, 2]);
    await down.expectNoMessageWhenIdle();
    up.sendComplete();
    await down.expectNext([1, 2]);
    await down.expectComplete();
  });

  it('propagates upstream completion of an empty stream (no group)', async () => {
    const [up, down] = probe(Flow.create<number>().grouped(2));
    down.request(1);
    await up.expectRequest();
    up.sendComplete();
    await down.expectComplete();
  });

  it('propagates upstream failure with the original error object (partial group discarded)', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<number>().grouped(3));
    down.request(1);
    up.sendNext(1);
    await up.expectRequest();
    await up.expectRequest();
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('propagates downstream cancellation upstream', async () => {
    const [up, down] = probe(Flow.create<number>().grouped(3));
    down.request(1);
    await up.expectRequest();
    down.cancel();
    await up.expectCancellation();
  });
});
