import { Flow, Sink, Source } from '@tributary/core';
import { TestSink, type TestSubscriberProbe } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, probe } from './harness.js';

function tapped(): [Flow<number, number>, () => TestSubscriberProbe<number>] {
  let tap: TestSubscriberProbe<number> | undefined;
  const flow = Flow.create<number>().wireTap(TestSink.probe<number>().mapMaterializedValue((p) => (tap = p)));
  return [flow, () => tap!];
}

describe('wireTap', () => {
  it('passes every element downstream and offers it to the tap', async () => {
    const seen: number[] = [];
    expect(
      await Source.range(1, 3)
        .wireTap((x) => seen.push(x))
        .runWith(Sink.seq()),
    ).toEqual([1, 2, 3]);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('is paced by downstream alone: a tap without demand never back-pressures', async () => {
    const [flow, tap] = tapped();
    const [up, down] = probe(flow);
    down.request(3);
    up.sendNextN([1, 2, 3]);
    await down.expectNextN([1, 2, 3]);
    await tap().expectNoMessageWhenIdle();
    tap().request(5);
    await tap().expectNext(3); // only the latest element waited for the tap; 1 and 2 were overwritten
    await tap().expectNoMessageWhenIdle();
    up.sendNext(4);
    down.request(1);
    await down.expectNext(4);
    await tap().expectNext(4);
    down.cancel();
  });

  it('the tap cancelling does not affect the main line', async () => {
    const [flow, tap] = tapped();
    const [up, down] = probe(flow);
    tap().cancel();
    down.request(2);
    up.sendNextN([1, 2]).sendComplete();
    await down.expectNextN([1, 2]);
    await down.expectComplete();
  });

  it('downstream cancelling cancels upstream and completes the tap', async () => {
    const [flow, tap] = tapped();
    const [up, down] = probe(flow);
    down.cancel();
    await up.expectCancellation();
    await tap().expectComplete();
  });

  it('propagates upstream failure to both', async () => {
    const e = boom();
    const [flow, tap] = tapped();
    const [up, down] = probe(flow);
    down.request(1);
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    expect(await tap().expectError()).toBe(e);
  });
});
