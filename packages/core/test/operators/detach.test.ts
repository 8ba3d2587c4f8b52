import { Flow, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';

describe('detach', () => {
  it('asks upstream for one element before downstream asks, and no more', async () => {
    const [up, down] = probe(Flow.create<number>().detach());
    await expectRequests(up, 1);
    up.sendNext(1);
    await up.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext(1);
    await expectRequests(up, 1);
    down.request(1);
    up.sendNext(2);
    await down.expectNext(2);
    await expectRequests(up, 1);
    down.cancel();
  });

  it('passes every element through in order', async () => {
    expect(await Source.range(1, 20).detach().runWith(Sink.seq())).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('emits the held element before completing', async () => {
    const [up, down] = probe(Flow.create<number>().detach());
    await up.expectRequest();
    up.sendNext(7).sendComplete();
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext(7);
    await down.expectComplete();
  });

  it('completes at once when nothing is held', async () => {
    const [up, down] = probe(Flow.create<number>().detach());
    await up.expectRequest();
    up.sendComplete();
    await down.expectComplete();
  });

  it('propagates upstream failure and downstream cancellation', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<number>().detach());
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    const [up2, down2] = probe(Flow.create<number>().detach());
    await up2.expectRequest();
    down2.cancel();
    await up2.expectCancellation();
  });
});
