import { Flow, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';

const windows = (src: Source<number[]>) => src.runWith(Sink.seq());

describe('sliding', () => {
  it('emits a window only on demand; the next window (step 1) needs one more element', async () => {
    const [up, down] = probe(Flow.create<number>().sliding(3));
    down.request(1);
    up.sendNextN([1, 2, 3, 4, 5]);
    await down.expectNext([1, 2, 3]);
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 3);
    down.request(1);
    await down.expectNext([2, 3, 4]);
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 1);
    down.cancel();
  });

  it('sliding(2) over 1..4 (doc example)', async () => {
    expect(await windows(Source.range(1, 4).sliding(2))).toEqual([
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
  });

  it('range(1,6).sliding(3,2): a shorter last window holding an unseen element is emitted', async () => {
    expect(await windows(Source.range(1, 6).sliding(3, 2))).toEqual([
      [1, 2, 3],
      [3, 4, 5],
      [5, 6],
    ]);
  });

  it('range(1,5).sliding(3,2): no last window when all its elements were already emitted', async () => {
    expect(await windows(Source.range(1, 5).sliding(3, 2))).toEqual([
      [1, 2, 3],
      [3, 4, 5],
    ]);
  });

  it('step > n skips the elements between windows', async () => {
    expect(await windows(Source.range(1, 7).sliding(2, 3))).toEqual([[1, 2], [4, 5], [7]]);
    expect(await windows(Source.range(1, 6).sliding(2, 3))).toEqual([
      [1, 2],
      [4, 5],
    ]);
    expect(await windows(Source.range(1, 10).sliding(2, 4))).toEqual([
      [1, 2],
      [5, 6],
      [9, 10],
    ]);
  });

  it('step === n behaves like grouped', async () => {
    expect(await windows(Source.range(1, 5).sliding(2, 2))).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('a stream shorter than n gives one short window', async () => {
    expect(await windows(Source.range(1, 2).sliding(3))).toEqual([[1, 2]]);
  });

  it('a stream of exactly n elements gives exactly one window', async () => {
    expect(await windows(Source.range(1, 3).sliding(3))).toEqual([[1, 2, 3]]);
  });

  it('emitted windows are independent arrays, never mutated afterwards', async () => {
    const ws = await windows(Source.range(1, 5).sliding(3));
    expect(ws).toEqual([
      [1, 2, 3],
      [2, 3, 4],
      [3, 4, 5],
    ]);
    expect(ws[0]).not.toBe(ws[1]);
  });

  it('on upstream completion the last short window waits for demand, then completes', async () => {
    const [up, down] = probe(Flow.create<number>().sliding(3, 2));
    down.request(2);
    up.sendNextN([1, 2, 3, 4, 5, 6]).sendComplete();
    await down.expectNextN([
      [1, 2, 3],
      [3, 4, 5],
    ]);
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext([5, 6]);
    await down.expectComplete();
  });

  it('propagates upstream completion of an empty stream (no window)', async () => {
    const [up, down] = probe(Flow.create<number>().sliding(2));
    down.request(1);
    await up.expectRequest();
    up.sendComplete();
    await down.expectComplete();
  });

  it('propagates upstream failure with the original error object', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<number>().sliding(2));
    down.request(1);
    up.sendNext(1);
    await up.expectRequest();
    await up.expectRequest();
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('propagates downstream cancellation upstream', async () => {
    const [up, down] = probe(Flow.create<number>().sliding(2));
    down.request(1);
    await up.expectRequest();
    down.cancel();
    await up.expectCancellation();
  });
});
