import { Flow, Keep, Sink, Source } from '@tributary/core';
import { TestSink, type TestSubscriberProbe } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, probe } from './harness.js';

function tapped(): [Flow<number, number>, () => TestSubscriberProbe<number>] {
  let side: TestSubscriberProbe<number> | undefined;
  const flow = Flow.create<number>().alsoTo(TestSink.probe<number>().mapMaterializedValue((p) => (side = p)));
  return [flow, () => side!];
}

describe('alsoTo', () => {
  it('sends every element to the sink as well', async () => {
    const seen: number[] = [];
    const out = await Source.range(1, 4)
      .alsoTo(Sink.foreach((x: number) => seen.push(x)))
      .runWith(Sink.seq());
    expect(out).toEqual([1, 2, 3, 4]);
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('pulls upstream only when both downstream and the sink have demanded', async () => {
    const [flow, side] = tapped();
    const [up, down] = probe(flow);
    down.request(1);
    await up.expectNoMessageWhenIdle();
    side().request(1);
    await up.expectRequest();
    up.sendNext(1);
    await down.expectNext(1);
    await side().expectNext(1);
    down.request(1);
    await up.expectNoMessageWhenIdle(); // the sink has not asked again
    side().request(1);
    await up.expectRequest();
    down.cancel();
  });

  it('cancels upstream when either downstream or the sink cancels', async () => {
    const [flow, side] = tapped();
    const [up, down] = probe(flow);
    side().cancel();
    await up.expectCancellation();
    await down.expectComplete();

    const [flow2, side2] = tapped();
    const [up2, down2] = probe(flow2);
    down2.cancel();
    await up2.expectCancellation();
    await side2().expectComplete();
  });

  it('completes and fails both outputs with upstream', async () => {
    const e = boom();
    const [flow, side] = tapped();
    const [up, down] = probe(flow);
    down.request(1);
    side().request(1);
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    expect(await side().expectError()).toBe(e);
  });

  it('drops the sink’s materialized value (see alsoToMat)', () => {
    const g = Source.single(1).alsoTo(Sink.seq()).toMat(Sink.ignore(), Keep.left);
    expect(g.run()).toBeUndefined();
  });

  it('rejects a non-sink at build time', () => {
    expect(() => Source.single(1).alsoTo(Source.single(2) as never)).toThrow(/alsoTo: sink must be a Sink \(a graph with a SinkShape\), got SourceShape/);
  });
});
