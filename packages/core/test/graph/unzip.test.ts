import { Attributes, ClosedShape, GraphDSL, Keep, RunnableGraph, Sink, Source, Supervision, Unzip, UnzipWith } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probeJunction } from './harness.js';

describe('Unzip / UnzipWith', () => {
  it('Unzip sends the halves of each pair to the two outputs', async () => {
    const g = GraphDSL.createWith([Sink.seq<number>(), Sink.seq<string>()], Keep.both, (b, nums, strs) => {
      const u = b.add(Unzip.create<number, string>());
      b.from(
        Source.from([
          [1, 'a'],
          [2, 'b'],
        ] as const),
      ).to(u);
      b.from(u.out0).to(nums);
      b.from(u.out1).to(strs);
      return ClosedShape.instance;
    });
    const [nums, strs] = RunnableGraph.fromGraph(g).run();
    expect(await nums).toEqual([1, 2]);
    expect(await strs).toEqual(['a', 'b']);
  });

  it('pulls upstream only when both outputs have demanded', async () => {
    const {
      ups: [up],
      downs: [d0, d1],
    } = probeJunction<readonly [number, number], number>(Unzip.create<number, number>());
    d0!.request(1);
    await up!.expectNoMessageWhenIdle();
    d1!.request(1);
    await up!.expectRequest();
    up!.sendNext([1, 2]);
    await d0!.expectNext(1);
    await d1!.expectNext(2);
    d0!.request(1);
    await up!.expectNoMessageWhenIdle();
    d0!.cancel();
    await up!.expectCancellation(); // cancels when any output cancels
    await d1!.expectComplete();
  });

  it('completes and fails both outputs with upstream', async () => {
    const e = boom();
    const {
      ups: [up],
      downs,
    } = probeJunction<readonly [number, number], number>(Unzip.create<number, number>());
    up!.sendError(e);
    for (const d of downs) expect(await d.expectError()).toBe(e);
  });

  it('UnzipWith splits with f; a throwing f fails, resume drops the element', async () => {
    const split = (x: number): readonly [number, string] => {
      if (x === 2) throw boom();
      return [x * 10, `#${x}`];
    };
    const graph = (resume: boolean) => {
      const g = GraphDSL.createWith([Sink.seq<number>(), Sink.seq<string>()], Keep.both, (b, nums, strs) => {
        const u = b.add(UnzipWith.create(split));
        b.from(Source.from([1, 2, 3])).to(u);
        b.from(u.out0).to(nums);
        b.from(u.out1).to(strs);
        return ClosedShape.instance;
      });
      return RunnableGraph.fromGraph(resume ? g.withAttributes(Attributes.supervisionStrategy(Supervision.resumingDecider)) : g);
    };
    const [nums, strs] = graph(true).run();
    expect(await nums).toEqual([10, 30]);
    expect(await strs).toEqual(['#1', '#3']);
    const [failed] = graph(false).run();
    await expect(failed).rejects.toThrow('boom');
  });
});
