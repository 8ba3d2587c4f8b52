import { ClosedShape, Flow, GraphDSL, IllegalStateError, Materializer, MergeSequence, Partition, RunnableGraph, Sink, Source } from '@tributary/core';
import { type TestPublisherProbe, TestSink, TestSource, type TestSubscriberProbe } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, probeJunction } from './harness.js';

type Numbered = readonly [string, number];
const seqOf = (x: Numbered): number => x[1];

/** MergeSequence(n) between probes, on a quiet materializer (the tests provoke failures). */
function probeMergeSequence(n: number): { ups: TestPublisherProbe<Numbered>[]; down: TestSubscriberProbe<Numbered> } {
  const ups: TestPublisherProbe<Numbered>[] = [];
  let down!: TestSubscriberProbe<Numbered>;
  const g = GraphDSL.create((b) => {
    const j = b.add(MergeSequence.create<Numbered>(n, seqOf));
    for (const inlet of j.inlets) b.from(TestSource.probe<Numbered>().mapMaterializedValue((p) => ups.push(p))).to(inlet);
    b.from(j.out).to(TestSink.probe<Numbered>().mapMaterializedValue((p) => (down = p)));
    return ClosedShape.instance;
  });
  RunnableGraph.fromGraph(g).run(new Materializer({ logger: null }));
  return { ups, down };
}

describe('MergeSequence', () => {
  it('emits the elements of all inputs in sequence order, holding early ones until their turn', async () => {
    const {
      ups: [a, b],
      downs: [down],
    } = probeJunction<Numbered, Numbered>(MergeSequence.create<Numbered>(2, seqOf));
    down!.request(10);
    b!.sendNext(['b', 1]);
    await down!.expectNoMessageWhenIdle(); // 0 has not arrived
    a!.sendNext(['a', 0]);
    await down!.expectNext(['a', 0]);
    await down!.expectNext(['b', 1]);
    a!.sendNext(['a', 2]).sendComplete();
    b!.sendNext(['b', 3]).sendComplete();
    await down!.expectNextN([
      ['a', 2],
      ['b', 3],
    ]);
    await down!.expectComplete();
  });

  it('puts a partitioned stream back in its original order (zipWithIndex → Partition → branches → MergeSequence)', async () => {
    const graph = GraphDSL.create(Sink.seq<readonly [number, number]>(), (b, out) => {
      const split = b.add(Partition.create<readonly [number, number]>(3, ([x]) => x % 3));
      const merge = b.add(MergeSequence.create<readonly [number, number]>(3, ([, i]) => i));
      b.from(
        Source.range(0, 99)
          .map((x) => (x * 37) % 100)
          .zipWithIndex(),
      ).to(split);
      b.from(split.out(0)).via(Flow.create<readonly [number, number]>().async()).to(merge.in(0));
      b.from(split.out(1))
        .via(Flow.create<readonly [number, number]>().mapAsync(3, async (p) => p))
        .to(merge.in(1));
      b.from(split.out(2)).to(merge.in(2));
      b.from(merge.out).to(out);
      return ClosedShape.instance;
    });
    const all = await RunnableGraph.fromGraph(graph).run();
    expect(all.map(([, i]) => i)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(all.map(([x]) => x)).toEqual(Array.from({ length: 100 }, (_, i) => (i * 37) % 100));
  });

  it('holds at most one element per input: an input is pulled again only after its element went out', async () => {
    const {
      ups: [a, b],
      down,
    } = probeMergeSequence(2);
    expect(await a!.expectRequest()).toBe(1);
    expect(await b!.expectRequest()).toBe(1);
    a!.sendNext(['a', 1]);
    await a!.expectNoMessageWhenIdle();
    down.request(5);
    b!.sendNext(['b', 0]);
    await down.expectNextN([
      ['b', 0],
      ['a', 1],
    ]);
    expect(await b!.expectRequest()).toBe(1);
    expect(await a!.expectRequest()).toBe(1);
    down.cancel();
    await a!.expectCancellation();
    await b!.expectCancellation();
  });

  it('an empty set of inputs completes at once', async () => {
    const {
      ups: [a, b],
      down,
    } = probeMergeSequence(2);
    down.request(1);
    a!.sendComplete();
    b!.sendComplete();
    await down.expectComplete();
  });

  it('fails on a gap: every input completed or holds a later number', async () => {
    const {
      ups: [a, b],
      down,
    } = probeMergeSequence(2);
    down.request(5);
    a!.sendNext(['a', 0]);
    await down.expectNext(['a', 0]);
    a!.sendNext(['a', 2]);
    b!.sendComplete();
    const err = await down.expectError();
    expect(err).toBeInstanceOf(IllegalStateError);
    expect(String(err)).toContain(
      'MergeSequence: expected sequence 1, but every input has completed or holds a later one (the lowest is 2): the sequence has a gap',
    );
  });

  it('fails on a duplicate: two inputs offer the same number', async () => {
    const {
      ups: [a, b],
      down,
    } = probeMergeSequence(2);
    a!.sendNext(['a', 1]);
    b!.sendNext(['b', 1]);
    const err = await down.expectError();
    expect(err).toBeInstanceOf(IllegalStateError);
    expect(String(err)).toMatch(/MergeSequence: sequence 1 arrived on input [01] while input [01] holds it already \(a duplicate\)/);
  });

  it('fails on a number below the next one due (a regression or a repeated number)', async () => {
    const {
      ups: [a],
      down,
    } = probeMergeSequence(2);
    down.request(5);
    a!.sendNext(['a', 0]);
    await down.expectNext(['a', 0]);
    a!.sendNext(['a', 0]);
    expect(String(await down.expectError())).toContain('MergeSequence: sequence 0 on input 0 is below the next one due, 1 (a duplicate or a regression)');
  });

  it('fails on a sequence number that is not a non-negative integer, and with the error of a throwing extractSequence', async () => {
    const {
      ups: [a],
      down,
    } = probeMergeSequence(2);
    a!.sendNext(['a', 0.5]);
    expect(String(await down.expectError())).toContain('MergeSequence: extractSequence must return a non-negative integer, got 0.5 on input 0');
    const e = boom();
    const result = GraphDSL.create(Sink.seq<number>(), (b, out) => {
      const m = b.add(
        MergeSequence.create<number>(2, () => {
          throw e;
        }),
      );
      b.from(Source.single(0)).to(m.in(0));
      b.from(Source.empty<number>()).to(m.in(1));
      b.from(m.out).to(out);
      return ClosedShape.instance;
    });
    await expect(RunnableGraph.fromGraph(result).run(new Materializer({ logger: null }))).rejects.toBe(e);
  });

  it('propagates an input failure', async () => {
    const e = boom();
    const {
      ups: [, b],
      down,
    } = probeMergeSequence(2);
    b!.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('validates its arguments', () => {
    expect(() => MergeSequence.create(0, () => 0)).toThrow('MergeSequence: inputs must be a positive integer, got 0');
    expect(() => MergeSequence.create(2, 'seq' as never)).toThrow('MergeSequence: extractSequence must be a function, got "seq"');
  });
});
