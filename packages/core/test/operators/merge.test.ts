import { Sink, Source } from '@tributary/core';
import { settle } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, probe2 } from '../graph/harness.js';

describe('merge', () => {
  it('pulls both inputs at start (one element each) and emits only on demand', async () => {
    const { a, b, down } = probe2<number, number, number>((x, y) => x.merge(y));
    expect(await a.expectRequest()).toBe(1);
    expect(await b.expectRequest()).toBe(1);
    a.sendNext(1);
    b.sendNext(2);
    await down.expectNoMessageWhenIdle();
    await a.expectNoMessageWhenIdle(); // its element waits: no second pull
    down.request(1);
    await down.expectNext(1);
    await a.expectRequest(); // pulled again once its element went out
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext(2);
    await b.expectRequest();
    down.cancel();
  });

  it('serves inputs in the order their elements arrived', async () => {
    const { a, b, down } = probe2<number, number, number>((x, y) => x.merge(y));
    b.sendNext(10);
    await settle();
    a.sendNext(1);
    await down.expectNoMessageWhenIdle();
    down.request(2);
    await down.expectNextN([10, 1]);
    down.cancel();
  });

  it('completes when all inputs completed; the remaining input keeps flowing', async () => {
    const { a, b, down } = probe2<number, number, number>((x, y) => x.merge(y));
    down.request(10);
    a.sendNext(1).sendComplete();
    await down.expectNext(1);
    await down.expectNoMessageWhenIdle();
    b.sendNextN([2, 3]).sendComplete();
    await down.expectNextN([2, 3]);
    await down.expectComplete();
  });

  it('with eagerComplete completes when the first input completes and cancels the other', async () => {
    const { a, b, down } = probe2<number, number, number>((x, y) => x.merge(y, true));
    down.request(10);
    a.sendNext(1).sendComplete();
    await down.expectNext(1);
    await down.expectComplete();
    await b.expectCancellation();
  });

  it('with eagerComplete still emits an element that was waiting', async () => {
    const { a, b, down } = probe2<number, number, number>((x, y) => x.merge(y, true));
    await a.expectRequest();
    await b.expectRequest();
    b.sendNext(2);
    await down.expectNoMessageWhenIdle();
    a.sendComplete();
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext(2);
    await down.expectComplete();
  });

  it('fails with the original error of either input and cancels the other', async () => {
    const e = boom();
    const { a, b, down } = probe2<number, number, number>((x, y) => x.merge(y));
    down.request(1);
    b.sendError(e);
    expect(await down.expectError()).toBe(e);
    await a.expectCancellation();
  });

  it('propagates downstream cancellation to both inputs', async () => {
    const { a, b, down } = probe2<number, number, number>((x, y) => x.merge(y));
    down.cancel();
    await a.expectCancellation();
    await b.expectCancellation();
  });

  it('keeps every element of both inputs, each input in order', async () => {
    const out = await Source.range(1, 100).merge(Source.range(101, 150)).runWith(Sink.seq());
    expect([...out].sort((x, y) => x - y)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    expect(out.filter((x) => x <= 100)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('rejects a non-source argument at build time', () => {
    expect(() => Source.single(1).merge(Sink.ignore() as never)).toThrow(/merge: that must be a Source/);
    expect(() => Source.single(1).merge(Source.single(2), 'yes' as never)).toThrow(/merge: eagerComplete must be a boolean/);
  });
});
