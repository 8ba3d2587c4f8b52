import { Broadcast } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probeJunction } from './harness.js';

describe('Broadcast', () => {
  it('pulls upstream only once every output has demanded, then emits to all', async () => {
    const {
      ups: [up],
      downs: [d0, d1],
    } = probeJunction<number, number>(Broadcast.create<number>(2));
    d0!.request(1);
    await up!.expectNoMessageWhenIdle();
    d1!.request(1);
    await up!.expectRequest();
    up!.sendNext(1);
    await d0!.expectNext(1);
    await d1!.expectNext(1);
    d0!.request(5);
    await up!.expectNoMessageWhenIdle(); // the slowest output sets the pace
    d1!.request(1);
    await up!.expectRequest();
    up!.sendNext(2);
    await d0!.expectNext(2);
    await d1!.expectNext(2);
    d0!.cancel();
    d1!.cancel();
  });

  it('completes and fails all outputs with upstream', async () => {
    const {
      ups: [up],
      downs,
    } = probeJunction<number, number>(Broadcast.create<number>(3));
    up!.sendComplete();
    for (const d of downs) await d.expectComplete();
    const e = boom();
    const failing = probeJunction<number, number>(Broadcast.create<number>(2));
    failing.ups[0]!.sendError(e);
    for (const d of failing.downs) expect(await d.expectError()).toBe(e);
  });

  it('keeps going while at least one output runs; a cancelled output no longer holds it back', async () => {
    const {
      ups: [up],
      downs: [d0, d1],
    } = probeJunction<number, number>(Broadcast.create<number>(2));
    d1!.cancel();
    d0!.request(2);
    await up!.expectRequest();
    up!.sendNext(1);
    await d0!.expectNext(1);
    await up!.expectRequest();
    d0!.cancel();
    await up!.expectCancellation(); // all outputs cancelled
  });

  it('with eagerCancel cancels upstream as soon as one output cancels', async () => {
    const {
      ups: [up],
      downs: [d0, d1],
    } = probeJunction<number, number>(Broadcast.create<number>(2, { eagerCancel: true }));
    d0!.cancel();
    await up!.expectCancellation();
    await d1!.expectComplete();
  });

  it('validates its arguments', () => {
    expect(() => Broadcast.create(0)).toThrow(/Broadcast: outputs must be a positive integer, got 0/);
    expect(() => Broadcast.create(2, { eagerCancel: 'yes' as never })).toThrow(/Broadcast.create: eagerCancel must be a boolean/);
  });
});
