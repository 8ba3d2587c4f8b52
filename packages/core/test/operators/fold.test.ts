import { Flow, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probe } from './harness.js';

const sum = () => Flow.create<number>().fold(0, (a, x) => a + x);

describe('fold', () => {
  it('emits nothing before upstream completes, and the result only when demanded', async () => {
    const [up, down] = probe(sum());
    up.sendNextN([1, 2, 3]);
    await up.expectNoMessageWhenIdle(); // no demand yet: fold does not pull
    down.request(1);
    await down.expectNoMessageWhenIdle(); // consuming, but not complete yet
    up.sendComplete();
    await down.expectNext(6);
    await down.expectComplete();
  });

  it('result waits for demand when upstream completes first', async () => {
    const [up, down] = probe(sum());
    down.request(1);
    up.sendNextN([1, 2, 3]).sendComplete();
    await down.expectNext(6);
    await down.expectComplete();

    const [up2, down2] = probe(sum());
    up2.sendComplete();
    await down2.expectNoMessageWhenIdle();
    down2.request(1);
    await down2.expectNext(0);
    await down2.expectComplete();
  });

  it('pulls all of upstream for a single demand', async () => {
    const [up, down] = probe(sum());
    down.request(1);
    for (let i = 1; i <= 4; i++) {
      expect(await up.expectRequest()).toBe(1);
      up.sendNext(i);
    }
    await up.expectRequest();
    up.sendComplete();
    await down.expectNext(10);
    await down.expectComplete();
  });

  it('folds in order with a non-commutative f', async () => {
    expect(
      await Source.from(['a', 'b', 'c'])
        .fold('>', (a, x) => a + x)
        .runWith(Sink.seq()),
    ).toEqual(['>abc']);
  });

  it('emits zero for an empty stream (upstream completion propagates after the result)', async () => {
    expect(
      await Source.empty<number>()
        .fold(7, (a, x) => a + x)
        .runWith(Sink.seq()),
    ).toEqual([7]);
  });

  it('starts from zero in each materialization', async () => {
    const src = Source.from([1, 2]).fold(100, (a, x) => a + x);
    expect(await src.runWith(Sink.seq())).toEqual([103]);
    expect(await src.runWith(Sink.seq())).toEqual([103]);
  });

  it('propagates upstream failure with the original error object (no partial result)', async () => {
    const e = boom();
    const [up, down] = probe(sum());
    down.request(1);
    up.sendNextN([1, 2]);
    await up.expectRequest();
    await up.expectRequest();
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('propagates downstream cancellation upstream', async () => {
    const [up, down] = probe(sum());
    down.request(1);
    await up.expectRequest();
    down.cancel();
    await up.expectCancellation();
  });
});
