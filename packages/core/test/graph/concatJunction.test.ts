import { Concat, Interleave, Merge, MergePreferred } from '@tributary/core';
import { settle } from '@tributary/testkit';
import { describe, it } from 'vitest';
import { probeJunction } from './harness.js';

describe('fan-in junctions with n inputs', () => {
  it('Concat(3) emits the inputs one after the other (detached: all pulled at start)', async () => {
    const {
      ups,
      downs: [down],
    } = probeJunction<number, number>(Concat.create<number>(3));
    for (const up of ups) await up.expectRequest();
    ups[2]!.sendNext(3).sendComplete();
    ups[1]!.sendNext(2).sendComplete();
    down!.request(5);
    await down!.expectNoMessageWhenIdle();
    ups[0]!.sendNext(1).sendComplete();
    await down!.expectNextN([1, 2, 3]);
    await down!.expectComplete();
  });

  it('Concat with detachedInputs: false pulls only the current input, on demand', async () => {
    const {
      ups,
      downs: [down],
    } = probeJunction<number, number>(Concat.create<number>(2, { detachedInputs: false }));
    await ups[1]!.expectNoMessageWhenIdle();
    down!.request(1);
    await ups[0]!.expectRequest();
    await ups[1]!.expectNoMessageWhenIdle();
    ups[0]!.sendComplete();
    await ups[1]!.expectRequest();
    down!.cancel();
  });

  it('Interleave(3, 1) takes one element from each input in turn', async () => {
    const {
      ups,
      downs: [down],
    } = probeJunction<number, number>(Interleave.create<number>(3, 1));
    ups[0]!.sendNextN([1, 4]);
    ups[1]!.sendNextN([2, 5]);
    ups[2]!.sendNextN([3, 6]);
    down!.request(6);
    await down!.expectNextN([1, 2, 3, 4, 5, 6]);
    down!.cancel();
  });

  it('MergePreferred(2) prefers the preferred inlet; secondaries in arrival order', async () => {
    const {
      ups,
      downs: [down],
    } = probeJunction<number, number>(MergePreferred.create<number>(2));
    // inlets: in0, in1 (secondary), then preferred
    for (const up of ups) await up.expectRequest();
    ups[1]!.sendNext(11);
    await settle();
    ups[0]!.sendNext(10);
    ups[2]!.sendNext(99);
    await down!.expectNoMessageWhenIdle();
    down!.request(3);
    await down!.expectNextN([99, 11, 10]);
    down!.cancel();
  });

  it('Merge(3) completes once all inputs completed', async () => {
    const {
      ups,
      downs: [down],
    } = probeJunction<number, number>(Merge.create<number>(3));
    down!.request(5);
    ups[0]!.sendComplete();
    ups[1]!.sendNext(1).sendComplete();
    await down!.expectNext(1);
    await down!.expectNoMessageWhenIdle();
    ups[2]!.sendComplete();
    await down!.expectComplete();
  });
});
