/**
 * Cycles (see docs/graphs.md, "Cycles"): a cycle whose stages hold at most one element each can
 * deadlock; a buffer on the feedback arc — an async boundary, or `buffer` — gives the loop the slack
 * it needs, and an element injected up front starts a loop that needs one to begin with.
 */

import {
  Broadcast,
  ClosedShape,
  Concat,
  Flow,
  GraphDSL,
  Materializer,
  Merge,
  MergePreferred,
  OverflowStrategy,
  Partition,
  RunnableGraph,
  Sink,
  Source,
  SourceShape,
  ZipWith,
} from '@tributary/core';
import { settle, TestSink } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { eventually } from './harness.js';

/** Source → merge → (seen) → broadcast → sink, with broadcast's second output fed back into merge. */
function mergeBroadcastCycle(feedback: Flow<number, number>, seen: number[]): RunnableGraph<undefined> {
  return RunnableGraph.fromGraph(
    GraphDSL.create((b) => {
      const merge = b.add(Merge.create<number>(2));
      const bcast = b.add(Broadcast.create<number>(2));
      const log = Flow.fromFunction((x: number) => (seen.push(x), x));
      b.from(Source.range(1, 100)).viaFanIn(merge).via(log).viaFanOut(bcast).to(Sink.ignore());
      b.from(bcast).via(feedback).viaFanIn(merge);
      return ClosedShape.instance;
    }),
  );
}

/**
 * A retry loop: each element goes round until it is a multiple of 10, then leaves. The feedback arc
 * goes into MergePreferred's preferred port, so elements in the loop take precedence over new ones.
 */
function retryLoop(feedback: Flow<number, number>, n: number): Source<number> {
  return Source.fromGraph(
    GraphDSL.create((b) => {
      const merge = b.add(MergePreferred.create<number>(1));
      const part = b.add(Partition.create<number>(2, (x) => (x % 10 === 0 ? 0 : 1)));
      b.from(Source.range(1, n))
        .viaFanIn(merge)
        .via(Flow.fromFunction((x: number) => x + 1))
        .viaFanOut(part);
      b.from(part.out(1)).via(feedback).to(merge.preferred);
      return new SourceShape(part.out(0));
    }),
  );
}

describe('cycles', () => {
  it('a merge/broadcast cycle without a buffer deadlocks: elements only enter the loop, never leave it', async () => {
    const mat = new Materializer({ logger: null });
    const seen: number[] = [];
    mergeBroadcastCycle(Flow.create<number>(), seen).run(mat);
    await settle(mat);
    const stalledAt = seen.length;
    expect(stalledAt).toBeLessThan(10);
    await settle(mat);
    expect(seen.length).toBe(stalledAt); // no progress: deadlocked
    mat.shutdown();
  });

  it('a dropping buffer on the feedback arc makes the same cycle live', async () => {
    const mat = new Materializer({ logger: null });
    const seen: number[] = [];
    mergeBroadcastCycle(Flow.create<number>().buffer(10, OverflowStrategy.dropHead), seen).run(mat);
    await eventually(() => new Set(seen).size === 100, 'every source element to enter the loop');
    mat.shutdown(); // the loop itself never ends
  });

  it('the retry loop with an async boundary (a buffer) on the feedback arc completes', async () => {
    const out = await retryLoop(Flow.create<number>().async(), 50).take(50).runWith(Sink.seq());
    expect(out).toHaveLength(50);
    expect(out.every((x) => x % 10 === 0)).toBe(true);
  });

  it('the retry loop with buffer(16, backpressure) on the feedback arc completes', async () => {
    const out = await retryLoop(Flow.create<number>().buffer(16, OverflowStrategy.backpressure), 50).take(50).runWith(Sink.seq());
    expect(out).toHaveLength(50);
  });

  it('a zip cycle needs an element to start: Concat a Source.single on the feedback arc', async () => {
    const runningSum = (seed: boolean) =>
      Source.fromGraph(
        GraphDSL.create((b) => {
          const zip = b.add(ZipWith.create((x: number, acc: number) => x + acc));
          const bcast = b.add(Broadcast.create<number>(2));
          b.from(Source.range(1, 10)).to(zip.in0);
          b.from(zip.out).viaFanOut(bcast);
          if (seed) {
            const concat = b.add(Concat.create<number>(2));
            b.from(Source.single(0)).to(concat);
            b.from(bcast).to(concat);
            b.from(concat).to(zip.in1);
          } else {
            b.from(bcast).to(zip.in1);
          }
          return new SourceShape(bcast.out(1));
        }),
      );
    expect(await runningSum(true).runWith(Sink.seq())).toEqual([1, 3, 6, 10, 15, 21, 28, 36, 45, 55]);
    const mat = new Materializer({ logger: null });
    const stuck = runningSum(false).runWith(TestSink.probe<number>(), mat);
    stuck.request(1);
    await stuck.expectNoMessageWhenIdle(); // zip waits for a feedback element that only zip could produce
    mat.shutdown();
  });
});
