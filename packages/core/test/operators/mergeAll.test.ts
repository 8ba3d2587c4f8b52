import { Flow, Sink, Source } from '@tributary/core';
import { type TestPublisherProbe, TestSink, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';

describe('mergeAll', () => {
  it('merges every source with this one; completes when all completed', async () => {
    const out = await Source.from([1, 2])
      .mergeAll([Source.from([3]), Source.from([4, 5]), Source.empty<number>()])
      .runWith(Sink.seq());
    expect([...out].sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('with no other source is this source', async () => {
    expect(await Source.from([1, 2]).mergeAll([]).runWith(Sink.seq())).toEqual([1, 2]);
  });

  it('emits only on demand, pulling each input once ahead', async () => {
    const others = [TestSource.probe<number>(), TestSource.probe<number>()];
    const ups: TestPublisherProbe<number>[] = [];
    const down = Source.single(0)
      .mergeAll(others.map((o) => o.mapMaterializedValue((p) => ups.push(p))))
      .runWith(TestSink.probe<number>());
    for (const up of ups) await up.expectRequest();
    ups[0]!.sendNext(1);
    ups[1]!.sendNext(2);
    await down.expectNoMessageWhenIdle();
    down.request(3);
    expect([await down.expectNext(), await down.expectNext(), await down.expectNext()].sort()).toEqual([0, 1, 2]);
    down.cancel();
    for (const up of ups) await up.expectCancellation();
  });

  it('with eagerComplete completes when any input completes', async () => {
    const out = await Flow.create<number>().mergeAll([Source.never<number>()], true).runWith(Source.empty<number>(), Sink.seq())[1];
    expect(out).toEqual([]);
  });

  it('rejects anything but an array of sources', () => {
    expect(() => Source.single(1).mergeAll(Source.single(2) as never)).toThrow(/mergeAll: those must be an array of Sources/);
    expect(() => Source.single(1).mergeAll([Source.single(2), 3 as never])).toThrow(/mergeAll: those\[1\] must be a Source/);
  });
});
