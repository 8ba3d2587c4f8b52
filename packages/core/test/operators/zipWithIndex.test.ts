import { Flow, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';

describe('zipWithIndex', () => {
  it('emits only on demand', async () => {
    const [up, down] = probe(Flow.create<string>().zipWithIndex());
    down.request(2);
    up.sendNextN(['a', 'b', 'c']);
    await down.expectNext(['a', 0]);
    await down.expectNext(['b', 1]);
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 2);
    down.request(1);
    await down.expectNext(['c', 2]);
    down.cancel();
  });

  it('pairs each element with its index from 0', async () => {
    expect(await Source.from(['x', 'y', 'z']).zipWithIndex().runWith(Sink.seq())).toEqual([
      ['x', 0],
      ['y', 1],
      ['z', 2],
    ]);
  });

  it('restarts the index at 0 for each materialization', async () => {
    const src = Source.from([10, 20]).zipWithIndex();
    expect(await src.runWith(Sink.seq())).toEqual([
      [10, 0],
      [20, 1],
    ]);
    expect(await src.runWith(Sink.seq())).toEqual([
      [10, 0],
      [20, 1],
    ]);
  });

  it('propagates upstream completion', async () => {
    const [up, down] = probe(Flow.create<string>().zipWithIndex());
    down.request(2);
    up.sendNext('a').sendComplete();
    await down.expectNext(['a', 0]);
    await down.expectComplete();
  });

  it('propagates upstream failure with the original error object', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<string>().zipWithIndex());
    down.request(1);
    await up.expectRequest();
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('propagates downstream cancellation upstream', async () => {
    const [up, down] = probe(Flow.create<string>().zipWithIndex());
    down.request(1);
    await up.expectRequest();
    down.cancel();
    await up.expectCancellation();
  });
});
