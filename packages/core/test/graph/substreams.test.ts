/**
 * Substream plumbing (SubSourceOutlet) and the behaviours docs/graphs.md warns about: substreams that
 * are not consumed stall their parent; substreams consumed elsewhere talk to it across islands.
 */

import { AbruptTerminationException, Flow, type Graph, Materializer, Sink, Source, type SourceShape } from '@tributary/core';
import { FlowShape, GraphStage, GraphStageLogic, Inlet, Outlet, SubSourceOutlet } from '@tributary/core/stage';
import { TestSink, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { QUIET_MS } from './harness.js';

describe('substreams', () => {
  it('a tail run on another materializer talks to its parent across islands, demand and all', async () => {
    const other = new Materializer({ logger: null });
    const [up, down] = Flow.create<number>().prefixAndTail(1).runWith(TestSource.probe<number>(), TestSink.probe());
    down.request(1);
    await up.expectRequest();
    up.sendNext(1);
    const [prefix, tail] = await down.expectNext();
    expect(prefix).toEqual([1]);
    const tailDown = tail.runWith(TestSink.probe<number>(), other);
    await up.expectNoMessageWhenIdle();
    tailDown.request(2);
    await up.expectRequest();
    up.sendNext(2);
    await tailDown.expectNext(2);
    await up.expectRequest();
    up.sendNext(3);
    await tailDown.expectNext(3);
    await up.expectNoMessageWhenIdle(); // demand used up
    tailDown.cancel();
    await up.expectCancellation();
    other.shutdown();
  });

  it('a substream source with its own async boundary runs in its own island, still in order', async () => {
    const mat = new Materializer({ logger: null });
    const out = await Source.range(1, 200)
      .prefixAndTail(1)
      .flatMapConcat(([, tail]) => tail.async())
      .runWith(Sink.seq(), mat);
    expect(out).toEqual(Array.from({ length: 199 }, (_, i) => i + 2));
    const grouped = await Source.range(1, 100)
      .splitAfter((x) => x % 10 === 0)
      .async()
      .fold(0, (a, x) => a + x)
      .concatSubstreams()
      .runWith(Sink.seq(), mat);
    expect(grouped).toEqual(Array.from({ length: 10 }, (_, i) => 100 * i + 55));
    mat.shutdown();
  });

  it('a tail on another materializer fails when its parent’s stream is shut down', async () => {
    const parentMat = new Materializer({ logger: null });
    const [up, down] = Flow.create<number>().prefixAndTail(0).runWith(TestSource.probe<number>(), TestSink.probe(), parentMat);
    down.request(1);
    const [, tail] = await down.expectNext();
    const tailDown = tail.runWith(TestSink.probe<number>());
    tailDown.request(1);
    await up.expectRequest();
    parentMat.shutdown();
    expect(await tailDown.expectError()).toBeInstanceOf(AbruptTerminationException);
  });

  it('concatSubstreams runs one group at a time: with a second live key, groupBy stalls (deadlock)', async () => {
    const mat = new Materializer({ logger: null });
    const down = Source.from([1, 2, 3, 4])
      .groupBy(2, (x) => x % 2)
      .concatSubstreams()
      .runWith(TestSink.probe<number>(), mat);
    down.request(10);
    await down.expectNext(1);
    // the odd group never completes (upstream is held by the even element waiting for its turn)
    await down.expectNoMessageWhenIdle();
    mat.shutdown();
  });

  it('mergeSubstreamsWithParallelism(n) with more than n live keys stalls as well', async () => {
    const mat = new Materializer({ logger: null });
    const down = Source.range(1, 9)
      .groupBy(3, (x) => x % 3)
      .mergeSubstreamsWithParallelism(2)
      .runWith(TestSink.probe<number>(), mat);
    down.request(20);
    const got: number[] = [];
    let e;
    while ((e = await down._events.poll(QUIET_MS * 2)) !== undefined) if (e.kind === 'next') got.push(e.value);
    expect(got.length).toBeLessThan(9);
    mat.shutdown();
  });

  it('… and it is fine when groups end on their own (here: each substream takes 2)', async () => {
    const out = await Source.from([1, 3, 2, 4, 5, 6])
      .groupBy(3, (x) => x % 2, true)
      .take(2)
      .concatSubstreams()
      .runWith(Sink.seq());
    // 5 and 6 open new groups (allowClosedSubstreamRecreation); both end when upstream completes
    expect(out).toEqual([1, 3, 2, 4, 5, 6]);
  });

  it('mergeSubstreams never stalls on the number of groups (up to maxSubstreams)', async () => {
    const out = await Source.range(1, 1000)
      .groupBy(100, (x) => x % 100)
      .fold(0, (a) => a + 1)
      .mergeSubstreams()
      .runWith(Sink.seq());
    expect(out).toEqual(new Array(100).fill(10));
  });

  it('a custom stage can hand out a substream with SubSourceOutlet (public stage API)', async () => {
    /** Emits one source that replays the whole upstream (prefixAndTail(0) without the prefix). */
    class AsSubstream<T> extends GraphStage<FlowShape<T, Graph<SourceShape<T>, unknown>>> {
      readonly in = new Inlet<T>('AsSubstream.in');
      readonly out = new Outlet<Graph<SourceShape<T>, unknown>>('AsSubstream.out');
      readonly shape = new FlowShape(this.in, this.out);
      createLogic(): GraphStageLogic {
        const { in: inlet, out } = this;
        return new (class extends GraphStageLogic {
          constructor() {
            super(new FlowShape(inlet, out));
            const sub = new SubSourceOutlet<T>(this, 'replay');
            sub.setHandler({ onPull: () => this.pull(inlet) });
            this.setHandler(inlet, {
              onPush: () => sub.push(this.grab(inlet)),
              onUpstreamFinish: () => {
                sub.complete();
                this.completeStage();
              },
            });
            this.setHandler(out, {
              onPull: () => {
                this.push(out, sub.source);
                this.complete(out);
              },
            });
          }
        })();
      }
    }
    const out = await Source.range(1, 5)
      .via(Flow.fromGraph(new AsSubstream<number>()))
      .flatMapConcat((s) => s)
      .runWith(Sink.seq());
    expect(out).toEqual([1, 2, 3, 4, 5]);
  });
});
