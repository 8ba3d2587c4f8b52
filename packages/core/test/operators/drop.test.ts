import { Flow, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';

describe('drop', () => {
  it('pulls past the dropped elements, then emits only on demand', async () => {
    const [up, down] = probe(Flow.create<number>().drop(2));
    down.request(1);
    up.sendNextN([1, 2, 3, 4, 5]);
    await down.expectNext(3);
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 3);
    down.request(1);
    await down.expectNext(4);
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 1);
    down.cancel();
  });

  it('discards exactly the first n elements', async () => {
    expect(await Source.range(1, 5).drop(3).runWith(Sink.seq())).toEqual([4, 5]);
  });

  it('drop(0) passes everything', async () => {
    expect(await Source.range(1, 3).drop(0).runWith(Sink.seq())).toEqual([1, 2, 3]);
  });

  it('dropping more than the stream holds gives an empty stream', async () => {
    expect(await Source.range(1, 3).drop(10).runWith(Sink.seq())).toEqual([]);
  });

  it('counts per materialization', async () => {
    const src = Source.range(1, 4).drop(2);
    expect(await src.runWith(Sink.seq())).toEqual([3, 4]);
    expect(await src.runWith(Sink.seq())).toEqual([3, 4]);
  });

  it('propagates upstream completion (also while still dropping)', async () => {
    const [up, down] = probe(Flow.create<number>().drop(5));
    down.request(1);
    up.sendNextN([1, 2]).sendComplete();
    await down.expectComplete();
  });

  it('propagates upstream failure with the original error object', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<number>().drop(1));
    down.request(1);
    await up.expectRequest();
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('propagates downstream cancellation upstream', async () => {
    const [up, down] = probe(Flow.create<number>().drop(1));
    down.request(1);
    await up.expectRequest();
    down.cancel();
    await up.expectCancellation();
  });
});
