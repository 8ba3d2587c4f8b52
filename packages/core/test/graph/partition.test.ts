import { Attributes, ClosedShape, GraphDSL, Partition, RunnableGraph, Sink, Source, Supervision } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probeJunction } from './harness.js';

describe('Partition', () => {
  it('sends each element to the output its partitioner picks', async () => {
    const {
      ups: [up],
      downs: [evens, odds],
    } = probeJunction<number, number>(Partition.create<number>(2, (x) => x % 2));
    evens!.request(5);
    odds!.request(5);
    up!.sendNextN([1, 2, 3, 4]).sendComplete();
    await odds!.expectNextN([1, 3]);
    await evens!.expectNextN([2, 4]);
    await odds!.expectComplete();
    await evens!.expectComplete();
  });

  it('an element waits for its own output’s demand, holding back the others', async () => {
    const {
      ups: [up],
      downs: [d0, d1],
    } = probeJunction<number, number>(Partition.create<number>(2, (x) => (x < 0 ? 1 : 0)));
    d0!.request(5);
    await up!.expectRequest();
    up!.sendNext(-1);
    await up!.expectNoMessageWhenIdle();
    await d0!.expectNoMessageWhenIdle();
    d1!.request(1);
    await d1!.expectNext(-1);
    await up!.expectRequest();
    up!.sendNext(5);
    await d0!.expectNext(5);
    d0!.cancel();
    d1!.cancel();
  });

  it('an index out of range fails the stream with a clear error', async () => {
    const result = GraphDSL.create(Sink.seq<number>(), (b, seq) => {
      const p = b.add(Partition.create<number>(2, (x) => x));
      b.from(Source.from([0, 1, 5])).to(p);
      b.from(p).to(seq);
      b.from(p).to(Sink.ignore());
      return ClosedShape.instance;
    });
    await expect(RunnableGraph.fromGraph(result).run()).rejects.toThrow(/Partition: partitioner must return an index in \[0, 1\], returned 5 for element 5/);
  });

  it('under resume, elements with a failing partitioner or an out-of-range index are dropped', async () => {
    const result = GraphDSL.create(Sink.seq<number>(), (b, seq) => {
      const p = b.add(
        Partition.create<number>(2, (x) => {
          if (x === 3) throw boom();
          return x === 1 ? 9 : 0;
        }),
      );
      b.from(Source.from([0, 1, 2, 3, 4])).to(p);
      b.from(p).to(seq);
      b.from(p).to(Sink.ignore());
      return ClosedShape.instance;
    }).withAttributes(Attributes.supervisionStrategy(Supervision.resumingDecider));
    expect(await RunnableGraph.fromGraph(result).run()).toEqual([0, 2, 4]);
  });

  it('drops elements for an output that cancelled; cancels when all did (or eagerly)', async () => {
    const {
      ups: [up],
      downs: [d0, d1],
    } = probeJunction<number, number>(Partition.create<number>(2, (x) => x % 2));
    d1!.cancel();
    d0!.request(2);
    await up!.expectRequest();
    up!.sendNext(1); // for the cancelled output: dropped
    await up!.expectRequest();
    up!.sendNext(2);
    await d0!.expectNext(2);
    d0!.cancel();
    await up!.expectCancellation();

    const eager = probeJunction<number, number>(Partition.create<number>(2, (x) => x % 2, { eagerCancel: true }));
    eager.downs[1]!.cancel();
    await eager.ups[0]!.expectCancellation();
  });

  it('validates its arguments', () => {
    expect(() => Partition.create(0, () => 0)).toThrow(/Partition: outputs must be a positive integer, got 0/);
    expect(() => Partition.create(2, 'f' as never)).toThrow(/Partition: partitioner must be a function/);
  });
});
