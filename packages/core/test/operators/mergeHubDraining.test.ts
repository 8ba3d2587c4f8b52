import { Keep, MergeHub, Sink, Source } from '@tributary/core';
import { TestSink, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';

describe('MergeHub.sourceWithDraining', () => {
  it('works like MergeHub.source until drained', async () => {
    const [[toHub], down] = MergeHub.sourceWithDraining<number>(4).toMat(TestSink.probe<number>(), Keep.both).run();
    down.request(10);
    Source.from([1, 2]).runWith(toHub);
    await down.expectNextN([1, 2]);
    await down.expectNoMessageWhenIdle(); // producers completing do not complete the hub
    down.cancel();
  });

  it('drainAndComplete completes once the attached producers completed and their elements went out', async () => {
    const [[toHub, control], down] = MergeHub.sourceWithDraining<string>(4).toMat(TestSink.probe<string>(), Keep.both).run();
    const producer = TestSource.probe<string>().to(toHub).run();
    await producer.expectRequest();
    producer.sendNext('a');
    down.request(1);
    await down.expectNext('a');
    control.drainAndComplete();
    await down.expectNoMessageWhenIdle(); // the attached producer is still running
    producer.sendNext('b');
    producer.sendComplete();
    await down.expectNoMessageWhenIdle(); // 'b' waits for demand; the hub completes after it
    down.request(1);
    await down.expectNext('b');
    await down.expectComplete();
  });

  it('a producer that starts after drainAndComplete is cancelled at once; its elements never arrive', async () => {
    const [[toHub, control], all] = MergeHub.sourceWithDraining<number>().toMat(Sink.seq(), Keep.both).run();
    const early = TestSource.probe<number>().to(toHub).run();
    await early.expectRequest();
    control.drainAndComplete();
    const late = TestSource.probe<number>().to(toHub).run();
    await late.expectCancellation();
    early.sendNext(1).sendComplete();
    expect(await all).toEqual([1]);
  });

  it('drainAndComplete with no producers completes at once; calling it again changes nothing', async () => {
    const [[, control], all] = MergeHub.sourceWithDraining<number>().toMat(Sink.seq(), Keep.both).run();
    control.drainAndComplete();
    control.drainAndComplete();
    expect(await all).toEqual([]);
  });

  it('drainAndComplete right at materialization (before the hub started) is honoured', async () => {
    const [[toHub, control], all] = MergeHub.sourceWithDraining<number>().toMat(Sink.seq(), Keep.both).run();
    control.drainAndComplete();
    const late = TestSource.probe<number>().to(toHub).run();
    await late.expectCancellation();
    expect(await all).toEqual([]);
  });

  it('validates its argument', () => {
    expect(() => MergeHub.sourceWithDraining(0)).toThrow('MergeHub.sourceWithDraining: perProducerBufferSize must be a positive integer, got 0');
  });
});
