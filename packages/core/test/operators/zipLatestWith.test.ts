import { Attributes, Supervision } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probe2 } from '../graph/harness.js';

describe('zipLatestWith', () => {
  it('combines the latest elements of both sides with f', async () => {
    const { a, b, down } = probe2<number, number, number>((x, y) => x.zipLatestWith(y, (p, q) => p * 100 + q));
    down.request(10);
    a.sendNext(1);
    b.sendNext(2);
    await down.expectNext(102);
    b.sendNext(3);
    await down.expectNext(103);
    await down.expectNoMessageWhenIdle();
    down.cancel();
  });

  it('a throwing f fails the stream; resume skips that emission', async () => {
    const e = boom();
    const f = (p: number, q: number) => {
      if (q === 2) throw e;
      return p + q;
    };
    const failing = probe2<number, number, number>((x, y) => x.zipLatestWith(y, f));
    failing.down.request(5);
    failing.a.sendNext(1);
    failing.b.sendNext(2);
    expect(await failing.down.expectError()).toBe(e);

    const resumed = probe2<number, number, number>((x, y) => x.zipLatestWith(y, f).withAttributes(Attributes.supervisionStrategy(Supervision.resumingDecider)));
    resumed.down.request(5);
    resumed.a.sendNext(1);
    resumed.b.sendNext(2);
    await resumed.down.expectNoMessageWhenIdle();
    resumed.b.sendNext(3);
    await resumed.down.expectNext(4);
    resumed.down.cancel();
  });
});
