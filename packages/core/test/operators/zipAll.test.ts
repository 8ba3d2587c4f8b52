import { Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probe2 } from '../graph/harness.js';

describe('zipAll', () => {
  it('pads the shorter side with its fill element until both completed', async () => {
    expect(
      await Source.from([1, 2, 3])
        .zipAll(Source.from(['a']), 0, '-')
        .runWith(Sink.seq()),
    ).toEqual([
      [1, 'a'],
      [2, '-'],
      [3, '-'],
    ]);
    expect(
      await Source.from([1])
        .zipAll(Source.from(['a', 'b']), 0, '-')
        .runWith(Sink.seq()),
    ).toEqual([
      [1, 'a'],
      [0, 'b'],
    ]);
  });

  it('two empty inputs give an empty stream', async () => {
    expect(await Source.empty<number>().zipAll(Source.empty<string>(), 0, '-').runWith(Sink.seq())).toEqual([]);
  });

  it('waits for both sides while both are running, and emits only on demand', async () => {
    const { a, b, down } = probe2<number, string, [number, string]>((x, y) => x.zipAll(y, -1, '?'));
    a.sendNext(1);
    down.request(2);
    await down.expectNoMessageWhenIdle();
    b.sendComplete();
    await down.expectNext([1, '?']);
    a.sendNext(2);
    await down.expectNext([2, '?']);
    await down.expectNoMessageWhenIdle();
    a.sendComplete();
    await down.expectComplete();
  });

  it('fails with an input’s error', async () => {
    const e = boom();
    const { b, down } = probe2<number, string, [number, string]>((x, y) => x.zipAll(y, -1, '?'));
    down.request(1);
    b.sendError(e);
    expect(await down.expectError()).toBe(e);
  });
});
