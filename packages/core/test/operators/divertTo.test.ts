import { Attributes, Flow, Sink, Source, Supervision } from '@tributary/core';
import { TestSink, type TestSubscriberProbe } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, probe } from './harness.js';

function diverted(when: (x: number) => boolean): [Flow<number, number>, () => TestSubscriberProbe<number>] {
  let side: TestSubscriberProbe<number> | undefined;
  const flow = Flow.create<number>().divertTo(
    TestSink.probe<number>().mapMaterializedValue((p) => (side = p)),
    when,
  );
  return [flow, () => side!];
}

describe('divertTo', () => {
  it('sends matching elements to the sink and the others downstream', async () => {
    const odd: number[] = [];
    const even = await Source.range(1, 6)
      .divertTo(
        Sink.foreach((x: number) => odd.push(x)),
        (x) => x % 2 === 1,
      )
      .runWith(Sink.seq());
    expect(even).toEqual([2, 4, 6]);
    expect(odd).toEqual([1, 3, 5]);
  });

  it('an element waits for its own destination’s demand', async () => {
    const [flow, side] = diverted((x) => x < 0);
    const [up, down] = probe(flow);
    down.request(1);
    await up.expectRequest();
    up.sendNext(-1); // for the sink, which has not asked
    await down.expectNoMessageWhenIdle();
    await up.expectNoMessageWhenIdle();
    side().request(1);
    await side().expectNext(-1);
    await up.expectRequest();
    up.sendNext(2);
    await down.expectNext(2);
    down.cancel();
  });

  it('cancels upstream when either destination cancels', async () => {
    const [flow, side] = diverted((x) => x < 0);
    const [up] = probe(flow);
    side().cancel();
    await up.expectCancellation();
  });

  it('a throwing predicate fails the stream; resume drops the element', async () => {
    const e = boom();
    const when = (x: number) => {
      if (x === 2) throw e;
      return false;
    };
    await expect(Source.range(1, 3).divertTo(Sink.ignore(), when).runWith(Sink.seq())).rejects.toBe(e);
    const resumed = Source.range(1, 3).divertTo(Sink.ignore(), when).withAttributes(Attributes.supervisionStrategy(Supervision.resumingDecider));
    expect(await resumed.runWith(Sink.seq())).toEqual([1, 3]);
  });
});
