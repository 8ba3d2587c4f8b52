import { Attributes, Flow, Keep, Materializer, OverflowStrategy, Sink, Source, Supervision, TooManySubstreamsOpenException } from '@tributary/core';
import { settle, TestSink, TestSource, type TestSubscriberProbe } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, eventually, probe } from './harness.js';

describe('groupBy', () => {
  it('runs the SubFlow’s operators on each group and merges the results', async () => {
    const out = await Source.range(1, 10)
      .groupBy(3, (x) => x % 3)
      .fold(0, (a, x) => a + x)
      .mergeSubstreams()
      .runWith(Sink.seq());
    expect([...out].sort((a, b) => a - b)).toEqual([15, 18, 22]);
  });

  it('each substream sees its elements in upstream order', async () => {
    const out = await Source.from(['a1', 'b1', 'a2', 'c1', 'b2', 'a3'])
      .groupBy(3, (s) => s[0])
      .fold('', (acc, s) => acc + s[1])
      .mergeSubstreams()
      .runWith(Sink.seq());
    expect([...out].sort()).toEqual(['1', '12', '123']);
  });

  it('opens a substream only for a new key, and emits elements of existing keys into their substream', async () => {
    const [up, down] = probe(
      Flow.create<string>()
        .groupBy(10, (s) => s[0])
        .map((s) => s.toUpperCase())
        .mergeSubstreams(),
    );
    down.request(10);
    up.sendNextN(['a1', 'b1', 'a2']);
    await down.expectNextN(['A1', 'B1', 'A2']);
    up.sendComplete();
    await down.expectComplete();
  });

  it('fails with TooManySubstreamsOpenException when more than maxSubstreams keys appear', async () => {
    const run = Source.range(1, 10)
      .groupBy(2, (x) => x)
      .mergeSubstreams()
      .runWith(Sink.seq());
    await expect(run).rejects.toBeInstanceOf(TooManySubstreamsOpenException);
    await expect(run).rejects.toThrow(/groupBy: cannot open a substream for key 3: maxSubstreams is 2/);
  });

  it('counts closed substreams towards maxSubstreams and drops elements of closed keys', async () => {
    // take(1) closes each substream after its first element: later elements of that key are dropped.
    expect(
      await Source.from([1, 2, 1, 2, 1])
        .groupBy(2, (x) => x)
        .take(1)
        .mergeSubstreams()
        .runWith(Sink.seq()),
    ).toEqual([1, 2]);
    await expect(
      Source.from([1, 2, 3])
        .groupBy(2, (x) => x)
        .take(1)
        .mergeSubstreams()
        .runWith(Sink.seq()),
    ).rejects.toThrow(/2 closed and not reopenable/);
  });

  it('with allowClosedSubstreamRecreation a closed key opens a new substream', async () => {
    const out = await Source.from([1, 2, 1, 2, 1])
      .groupBy(2, (x) => x, true)
      .take(1)
      .mergeSubstreams()
      .runWith(Sink.seq());
    expect(out).toEqual([1, 2, 1, 2, 1]);
  });

  it('nests: groupBy inside a SubFlow groups each substream again', async () => {
    const out = await Source.range(1, 12)
      .groupBy(2, (x) => x % 2)
      .groupBy(3, (x) => x % 3)
      .fold([] as number[], (acc, x) => [...acc, x])
      .mergeSubstreams()
      .mergeSubstreams()
      .runWith(Sink.seq());
    // one group per (x % 2, x % 3): x and x + 6
    expect(out.sort((a, b) => a[0]! - b[0]!)).toEqual([1, 2, 3, 4, 5, 6].map((x) => [x, x + 6]));
  });

  it('SubFlow attributes apply to the per-substream flow; any operator works on substreams', async () => {
    const out = await Source.range(1, 10)
      .groupBy(2, (x) => x % 2)
      .map((x) => x * 2)
      .async()
      .buffer(4, OverflowStrategy.backpressure)
      .fold(0, (a, x) => a + x)
      .mergeSubstreams()
      .runWith(Sink.seq());
    expect(out.sort((a, b) => a - b)).toEqual([50, 60]);
    expect(() =>
      (Source.range(1, 2).groupBy(2, (x) => x) as unknown as { alsoToMat(s: unknown, c: unknown): unknown }).alsoToMat(Sink.ignore(), Keep.left),
    ).toThrow(/alsoToMat is not available on a SubFlow/);
  });

  it('substreams run inside the parent’s island', async () => {
    const mat = new Materializer({ logger: null });
    const down = Source.range(1, 100)
      .groupBy(4, (x) => x % 4)
      .map((x) => x * 2)
      .mergeSubstreams()
      .runWith(TestSink.probe<number>(), mat);
    down.request(10);
    for (let i = 0; i < 10; i++) await down.expectNext();
    expect(mat.runningIslands).toBe(1);
    down.cancel();
    mat.shutdown();
  });

  it('a substream that does not pull holds back every other substream (head-of-line blocking)', async () => {
    const sinks: TestSubscriberProbe<number>[] = [];
    const up = Flow.create<number>()
      .groupBy(2, (x) => x % 2)
      .to(TestSink.probe<number>().mapMaterializedValue((p) => sinks.push(p)))
      .runWith(TestSource.probe<number>());
    await up.expectRequest();
    up.sendNext(1); // opens the odd substream
    await eventually(() => sinks.length === 1, 'the odd substream');
    const odd = sinks[0]!;
    odd.request(10);
    await odd.expectNext(1);
    await up.expectRequest();
    up.sendNext(2); // opens the even substream, whose consumer asks for nothing
    await eventually(() => sinks.length === 2, 'the even substream');
    const even = sinks[1]!;
    await up.expectRequest(); // 2 waits in its substream; the odd side still has demand
    up.sendNext(3);
    await odd.expectNext(3);
    await up.expectRequest();
    up.sendNext(4); // a second element for the stalled even substream: now everything waits
    await up.expectNoMessageWhenIdle();
    await odd.expectNoMessageWhenIdle();
    even.request(2);
    await even.expectNextN([2, 4]);
    await up.expectRequest(); // unblocked
    up.sendNext(5);
    await odd.expectNext(5);
    up.sendComplete();
    await odd.expectComplete();
    await even.expectComplete();
  });

  it('to(sink) runs every substream into its own materialization of sink', async () => {
    const groups: number[][] = [];
    const done = Source.range(1, 6)
      .groupBy(3, (x) => x % 3)
      .to(Sink.seq<number>().mapMaterializedValue((p) => p.then((xs) => groups.push(xs))))
      .run();
    expect(done).toBeUndefined();
    await settle();
    expect(groups.sort((a, b) => a[0]! - b[0]!)).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });

  it('fails every substream and the stream with upstream’s error', async () => {
    const e = boom();
    const [up, down] = probe(
      Flow.create<number>()
        .groupBy(2, (x) => x % 2)
        .mergeSubstreams(),
    );
    down.request(5);
    up.sendNextN([1, 2]);
    await down.expectNextN([1, 2]);
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('cancelling downstream cancels upstream', async () => {
    const [up, down] = probe(
      Flow.create<number>()
        .groupBy(2, (x) => x % 2)
        .mergeSubstreams(),
    );
    down.request(2);
    up.sendNextN([1, 2]);
    await down.expectNextN([1, 2]);
    down.cancel();
    await up.expectCancellation();
  });

  it('a throwing keyFor fails the stream; resume drops the element', async () => {
    const e = boom();
    const key = (x: number) => {
      if (x === 3) throw e;
      return x % 2;
    };
    await expect(Source.range(1, 5).groupBy(2, key).mergeSubstreams().runWith(Sink.seq())).rejects.toBe(e);
    const resumed = Source.range(1, 5).groupBy(2, key).mergeSubstreams().withAttributes(Attributes.supervisionStrategy(Supervision.resumingDecider));
    expect((await resumed.runWith(Sink.seq())).sort()).toEqual([1, 2, 4, 5]);
  });

  it('a key function returning null or undefined fails the stream with a clear error naming the element’s position', async () => {
    const keyOf = (x: number) => (x === 4 ? undefined : x === 5 ? null : x % 2);
    const [up, down] = probe(Flow.create<number>().groupBy(2, keyOf).mergeSubstreams());
    down.request(10);
    up.sendNextN([1, 2, 3]);
    await down.expectNextN([1, 2, 3]);
    up.sendNext(4);
    const e = await down.expectError();
    expect(e).toBeInstanceOf(TypeError);
    expect((e as Error).message).toBe('groupBy: key function returned undefined for element #3 (counting from 0); a key must not be null or undefined');
    await up.expectCancellation();
    await expect(Source.from([5]).groupBy(2, keyOf).mergeSubstreams().runWith(Sink.seq())).rejects.toThrow(
      'groupBy: key function returned null for element #0 (counting from 0); a key must not be null or undefined',
    );
  });

  it('a missing key is subject to supervision: resume drops the element', async () => {
    const keyOf = (x: number) => (x === 4 ? undefined : x % 2);
    const out = await Source.range(1, 6)
      .groupBy(2, keyOf)
      .mergeSubstreams()
      .withAttributes(Attributes.supervisionStrategy(Supervision.resume))
      .runWith(Sink.seq());
    expect(out.sort()).toEqual([1, 2, 3, 5, 6]);
  });

  it('validates its arguments at build time', () => {
    expect(() => Source.single(1).groupBy(0, (x) => x)).toThrow(/groupBy: maxSubstreams must be a positive integer or Infinity, got 0/);
    expect(() => Source.single(1).groupBy(2, 'x' as never)).toThrow(/groupBy: keyFor must be a function/);
    expect(() =>
      Source.single(1)
        .groupBy(2, (x) => x)
        .mergeSubstreamsWithParallelism(0),
    ).toThrow(/mergeSubstreamsWithParallelism: parallelism must be a positive integer or Infinity, got 0/);
  });
});
