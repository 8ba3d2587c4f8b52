import { Flow, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom } from './harness.js';
import { probeOn, virtualTime } from './timeHarness.js';

describe('dropWithin (virtual time)', () => {
  it('drops what arrives within the window, then passes everything', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().dropWithin(100), mat);
    down.request(10);
    up.sendNext(1);
    await up.expectRequest();
    await up.expectRequest(); // dropped element replaced by a new pull
    await scheduler.advance(100);
    up.sendNext(2); // exactly at the end of the window: still dropped
    await up.expectRequest();
    await scheduler.advance(1);
    up.sendNextN([3, 4]);
    await down.expectNextN([3, 4]);
    up.sendComplete();
    await down.expectComplete();
  });

  it('propagates failure and cancellation', async () => {
    const e = boom();
    const { mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().dropWithin(100), mat);
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    const [up2, down2] = probeOn(Flow.create<number>().dropWithin(100), mat);
    down2.cancel();
    await up2.expectCancellation();
  });

  it('validates its arguments at build time', () => {
    expect(() => Source.single(1).dropWithin(Infinity)).toThrow(RangeError);
  });
});
