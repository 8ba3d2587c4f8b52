import { Balance } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probeJunction } from './harness.js';

describe('Balance', () => {
  it('sends each element to one output, the first that signalled demand', async () => {
    const {
      ups: [up],
      downs: [d0, d1],
    } = probeJunction<number, number>(Balance.create<number>(2));
    d1!.request(1);
    await up!.expectRequest();
    up!.sendNext(1);
    await d1!.expectNext(1);
    await d0!.expectNoMessageWhenIdle();
    d0!.request(1);
    d1!.request(1);
    await up!.expectRequest();
    up!.sendNext(2);
    await up!.expectRequest();
    up!.sendNext(3);
    await d0!.expectNext(2); // d0 pulled first
    await d1!.expectNext(3);
    d0!.cancel();
    d1!.cancel();
  });

  it('back-pressures only when all outputs back-pressure', async () => {
    const {
      ups: [up],
      downs: [d0, d1],
    } = probeJunction<number, number>(Balance.create<number>(2));
    await up!.expectNoMessageWhenIdle();
    d0!.request(2);
    await up!.expectRequest();
    up!.sendNext(1);
    await d0!.expectNext(1);
    await up!.expectRequest();
    d0!.cancel();
    d1!.cancel();
  });

  it('with waitForAllDownstreams pulls nothing until every output has demanded once', async () => {
    const {
      ups: [up],
      downs: [d0, d1],
    } = probeJunction<number, number>(Balance.create<number>(2, { waitForAllDownstreams: true }));
    d0!.request(1);
    await up!.expectNoMessageWhenIdle();
    d1!.request(1);
    await up!.expectRequest();
    up!.sendNext(1);
    await d0!.expectNext(1);
    d0!.cancel();
    d1!.cancel();
  });

  it('skips outputs that cancelled; cancels upstream when all did (or with eagerCancel, when one did)', async () => {
    const {
      ups: [up],
      downs: [d0, d1],
    } = probeJunction<number, number>(Balance.create<number>(2));
    d0!.cancel();
    d1!.request(1);
    await up!.expectRequest();
    up!.sendNext(7);
    await d1!.expectNext(7);
    d1!.cancel();
    await up!.expectCancellation();

    const eager = probeJunction<number, number>(Balance.create<number>(2, { eagerCancel: true }));
    eager.downs[0]!.cancel();
    await eager.ups[0]!.expectCancellation();
  });

  it('completes and fails all outputs with upstream', async () => {
    const e = boom();
    const {
      ups: [up],
      downs,
    } = probeJunction<number, number>(Balance.create<number>(2));
    up!.sendError(e);
    for (const d of downs) expect(await d.expectError()).toBe(e);
  });
});
