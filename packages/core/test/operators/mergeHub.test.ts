import { Keep, Materializer, MergeHub, Sink, Source } from '@tributary/core';
import { TestSink, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, eventually } from './harness.js';

const quiet = new Materializer({ logger: null });

describe('MergeHub.source', () => {
  it('emits the elements of every producer that runs its sink; completed producers are removed, the hub goes on', async () => {
    const [toHub, down] = MergeHub.source<number>(16).toMat(TestSink.probe<number>(), Keep.both).run();
    down.request(100);
    const p1 = Source.from([1, 2, 3]).watchTermination(Keep.right).to(toHub).run();
    const p2 = Source.from([10, 20]).watchTermination(Keep.right).to(toHub).run();
    await Promise.all([p1, p2]);
    const got: number[] = [];
    for (let i = 0; i < 5; i++) got.push(await down.expectNext());
    expect(got.sort((a, b) => a - b)).toEqual([1, 2, 3, 10, 20]);
    await down.expectNoMessageWhenIdle(); // the hub does not complete when producers do
    Source.single(99).runWith(toHub);
    await down.expectNext(99);
    down.cancel();
  });

  it('keeps each producer in order', async () => {
    const [toHub, all] = MergeHub.source<string>(2).take(40).toMat(Sink.seq(), Keep.both).run();
    for (const p of ['a', 'b'])
      Source.range(0, 19)
        .map((i) => `${p}${i}`)
        .runWith(toHub);
    const out = await all;
    for (const p of ['a', 'b']) expect(out.filter((x) => x.startsWith(p))).toEqual(Array.from({ length: 20 }, (_, i) => `${p}${i}`));
  });

  it('back-pressures each producer: at most perProducerBufferSize elements waiting, credit returned as the consumer takes them', async () => {
    const [toHub, down] = MergeHub.source<number>(4).toMat(TestSink.probe<number>(), Keep.both).run();
    const producer = TestSource.probe<number>().to(toHub).run();
    for (let i = 0; i < 4; i++) {
      expect(await producer.expectRequest()).toBe(1);
      producer.sendNext(i);
    }
    await producer.expectNoMessageWhenIdle(); // 4 elements waiting in the hub: no more credit
    down.request(1);
    await down.expectNext(0);
    await producer.expectNoMessageWhenIdle(); // credit comes back in batches of half the buffer
    down.request(1);
    await down.expectNext(1);
    // two elements of credit came back: two more pulls (one per element sent), then silence
    expect(await producer.expectRequest()).toBe(1);
    producer.sendNext(4);
    expect(await producer.expectRequest()).toBe(1);
    producer.sendNext(5);
    await producer.expectNoMessageWhenIdle();
    down.cancel();
  });

  it('a failing producer is removed (its own stream fails); the hub and the others go on', async () => {
    const [toHub, down] = MergeHub.source<number>(16).toMat(TestSink.probe<number>(), Keep.both).run(quiet);
    down.request(10);
    const e = boom();
    const failed = Source.failed<number>(e).watchTermination(Keep.right).to(toHub).run(quiet);
    await expect(failed).rejects.toBe(e);
    Source.single(1).runWith(toHub, quiet);
    await down.expectNext(1);
    down.cancel();
  });

  it('cancelling the hub cancels running producers; new producers cancel at once', async () => {
    const [toHub, down] = MergeHub.source<number>(16).toMat(TestSink.probe<number>(), Keep.both).run();
    const producer = TestSource.probe<number>().to(toHub).run();
    await producer.expectRequest();
    down.cancel();
    await producer.expectCancellation();
    const late = TestSource.probe<number>().to(toHub).run();
    await late.expectCancellation();
  });

  it('producers may run on another materializer', async () => {
    const other = new Materializer();
    const [toHub, first] = MergeHub.source<number>(8).toMat(Sink.head(), Keep.both).run();
    Source.single(42).runWith(toHub, other);
    expect(await first).toBe(42);
    other.shutdown();
  });

  it('every materialization is an independent hub; a stopped hub leaves nothing running', async () => {
    const mat = new Materializer({ logger: null });
    const src = MergeHub.source<number>(4);
    const [a, outA] = src.take(1).toMat(Sink.seq(), Keep.both).run(mat);
    const [b, outB] = src.take(1).toMat(Sink.seq(), Keep.both).run(mat);
    Source.single(1).runWith(a, mat);
    Source.single(2).runWith(b, mat);
    expect([await outA, await outB]).toEqual([[1], [2]]);
    await eventually(() => mat.runningIslands === 0, 'hubs and producers to stop');
  });

  it('validates perProducerBufferSize', () => {
    expect(() => MergeHub.source(0)).toThrow(/MergeHub.source: perProducerBufferSize must be a positive integer, got 0/);
  });
});
