import { Flow, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';

const parse = (s: string): number | undefined => (/^\d+$/.test(s) ? Number(s) : undefined);

describe('collect', () => {
  it('emits only on demand; pulls again where pf is undefined', async () => {
    const [up, down] = probe(Flow.create<string>().collect(parse));
    down.request(1);
    up.sendNextN(['x', 'y', '7', '8']);
    await down.expectNext(7);
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 3);
    down.request(1);
    await down.expectNext(8);
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 1);
    down.cancel();
  });

  it('maps where pf is defined and drops where it returns undefined (doc example)', async () => {
    expect(await Source.from(['1', 'x', '3']).collect(parse).runWith(Sink.seq())).toEqual([1, 3]);
  });

  it('only undefined means "not defined": null, 0, "" and false are emitted', async () => {
    const out = await Source.from([0, 1, 2, 3, 4])
      .collect((i) => [null, 0, '', false, undefined][i])
      .runWith(Sink.seq());
    expect(out).toEqual([null, 0, '', false]);
  });

  it('propagates upstream completion', async () => {
    const [up, down] = probe(Flow.create<string>().collect(parse));
    down.request(1);
    await up.expectRequest();
    up.sendNext('nope').sendComplete();
    await down.expectComplete();
  });

  it('propagates upstream failure with the original error object', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<string>().collect(parse));
    down.request(1);
    await up.expectRequest();
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('propagates downstream cancellation upstream', async () => {
    const [up, down] = probe(Flow.create<string>().collect(parse));
    down.request(1);
    await up.expectRequest();
    down.cancel();
    await up.expectCancellation();
  });
});
