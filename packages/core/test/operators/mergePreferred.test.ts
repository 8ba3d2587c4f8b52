import { Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probe2 } from '../graph/harness.js';

describe('mergePreferred', () => {
  it('when both sides have an element, the preferred side (this, with priority=true) goes first', async () => {
    const { a, b, down } = probe2<number, number, number>((x, y) => x.mergePreferred(y, true));
    await a.expectRequest();
    await b.expectRequest();
    b.sendNext(100);
    a.sendNext(1);
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext(1);
    await a.expectRequest();
    a.sendNext(2);
    down.request(1);
    await down.expectNext(2);
    down.request(1);
    await down.expectNext(100);
    down.cancel();
  });

  it('with priority=false prefers the other side', async () => {
    const { a, b, down } = probe2<number, number, number>((x, y) => x.mergePreferred(y, false));
    a.sendNext(1);
    b.sendNext(100);
    await down.expectNoMessageWhenIdle();
    down.request(2);
    await down.expectNextN([100, 1]);
    down.cancel();
  });

  it('emits the other side when the preferred one has nothing', async () => {
    const { b, down } = probe2<number, number, number>((x, y) => x.mergePreferred(y, true));
    down.request(1);
    b.sendNext(7);
    await down.expectNext(7);
    down.cancel();
  });

  it('completes when both completed (or, eagerly, when one did)', async () => {
    expect(
      await Source.from([1, 2])
        .mergePreferred(Source.from([3]), true)
        .runWith(Sink.seq())
        .then((xs) => xs.sort()),
    ).toEqual([1, 2, 3]);
    expect(await Source.empty<number>().mergePreferred(Source.never<number>(), true, true).runWith(Sink.seq())).toEqual([]);
  });

  it('fails with an input’s error', async () => {
    const e = boom();
    const { b, down } = probe2<number, number, number>((x, y) => x.mergePreferred(y, true));
    down.request(1);
    b.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('requires a boolean priority', () => {
    expect(() => Source.single(1).mergePreferred(Source.single(2), 1 as never)).toThrow(/mergePreferred: priority must be a boolean/);
  });
});
