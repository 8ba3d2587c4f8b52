/**
 * Attributes reach inner streams (Pekko's `subFusingMaterializer.materialize(graph, inheritedAttributes)`):
 * a stream that a running stage materializes — groupBy/splitWhen/splitAfter substreams, the sources of
 * flatMapConcat/flatMapMerge/switchMap, flatMapPrefix's flow, prefixAndTail's tail wherever it runs, the
 * inner streams of RestartSource/Flow/Sink — inherits the attributes of the stage that runs it (its
 * supervision, subscription timeout, custom entries; not its name), under the inner graph's own.
 */

import {
  Attributes,
  Flow,
  Materializer,
  RestartFlow,
  RestartSettings,
  RestartSink,
  RestartSource,
  Sink,
  Source,
  SubscriptionTimeoutException,
  Supervision,
  subscriptionTimeout,
} from '@tributary/core';
import { GraphStage, GraphStageLogic, type OutHandler, Outlet, SourceShape } from '@tributary/core/stage';
import { VirtualScheduler } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom } from './operators/harness.js';

const RESUME = Attributes.supervisionStrategy(Supervision.resume);
const STOP = Attributes.supervisionStrategy(Supervision.stop);
const quiet = () => new Materializer({ logger: null });

/** Throws on the element 3; its error object is shared so tests can check identity. */
const bad = boom('3 is bad');
const failOn3 = (x: number): number => {
  if (x === 3) throw bad;
  return x;
};
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

/** A source of one element: the value of the custom attribute `tag` it was materialized with, and its stage name. */
class AttributeProbe extends GraphStage<SourceShape<string>> {
  readonly out = new Outlet<string>('AttributeProbe.out');
  readonly shape = new SourceShape(this.out);
  override get defaultName(): string {
    return 'attributeProbe';
  }
  createLogic(): GraphStageLogic {
    const out = this.out;
    return new (class extends GraphStageLogic implements OutHandler {
      constructor(shape: SourceShape<string>) {
        super(shape);
        this.setHandler(out, this);
      }
      onPull(): void {
        this.push(out, `${this.attributes.get<string>('tag') ?? 'none'} @ ${this.stageName}`);
        this.completeStage();
      }
    })(this.shape);
  }
}
const attributeProbe = () => Source.fromGraph(new AttributeProbe());

describe('substreams inherit the enclosing stream’s attributes', () => {
  it('groupBy(...).map(throwing).mergeSubstreams().withAttributes(resume) resumes inside the substreams', async () => {
    const graph = () =>
      Source.range(1, 6)
        .groupBy(2, (x) => x % 2)
        .map(failOn3)
        .mergeSubstreams();
    await expect(graph().runWith(Sink.seq(), quiet())).rejects.toBe(bad);
    expect(sorted(await graph().withAttributes(RESUME).runWith(Sink.seq()))).toEqual([1, 2, 4, 5, 6]);
  });

  it('groupBy substreams run into a sink (SubFlow.to) inherit too', async () => {
    const seen: number[] = [];
    const flow = Flow.create<number>()
      .groupBy(2, (x) => x % 2)
      .map(failOn3)
      .to(Sink.foreach((x: number) => void seen.push(x)));
    await Source.range(1, 6).runWith(flow.withAttributes(RESUME));
    await new Promise((r) => setTimeout(r, 20));
    expect(sorted(seen)).toEqual([1, 2, 4, 5, 6]);
  });

  it('splitWhen and splitAfter substreams inherit supervision', async () => {
    const input = [1, 2, 0, 3, 4, 0, 5];
    const when = () =>
      Source.from(input)
        .splitWhen((x) => x === 0)
        .map(failOn3)
        .fold(0, (a, x) => a + x)
        .concatSubstreams();
    await expect(when().runWith(Sink.seq(), quiet())).rejects.toBe(bad);
    expect(await when().withAttributes(RESUME).runWith(Sink.seq())).toEqual([3, 4, 5]);
    const after = () =>
      Source.from(input)
        .splitAfter((x) => x === 0)
        .map(failOn3)
        .fold(0, (a, x) => a + x)
        .concatSubstreams();
    await expect(after().runWith(Sink.seq(), quiet())).rejects.toBe(bad);
    expect(await after().withAttributes(RESUME).runWith(Sink.seq())).toEqual([3, 4, 5]);
  });

  it('the substream’s own attributes win over the inherited ones', async () => {
    const graph = Source.range(1, 6)
      .groupBy(2, (x) => x % 2)
      .map(failOn3)
      .withAttributes(STOP)
      .mergeSubstreams()
      .withAttributes(RESUME);
    await expect(graph.runWith(Sink.seq(), quiet())).rejects.toBe(bad);
  });
});

describe('flattened inner streams inherit the flattening stage’s attributes', () => {
  const inner = (x: number) => Source.from([x, x + 1, x + 2]).map(failOn3);

  it('flatMapConcat', async () => {
    const graph = () => Source.from([1, 10]).flatMapConcat(inner);
    await expect(graph().runWith(Sink.seq(), quiet())).rejects.toBe(bad);
    expect(await graph().withAttributes(RESUME).runWith(Sink.seq())).toEqual([1, 2, 10, 11, 12]);
  });

  it('flatMapMerge', async () => {
    const graph = () => Source.from([1, 10]).flatMapMerge(2, inner);
    await expect(graph().runWith(Sink.seq(), quiet())).rejects.toBe(bad);
    expect(sorted(await graph().withAttributes(RESUME).runWith(Sink.seq()))).toEqual([1, 2, 10, 11, 12]);
  });

  it('switchMap', async () => {
    const graph = () => Source.single(1).switchMap(inner);
    await expect(graph().runWith(Sink.seq(), quiet())).rejects.toBe(bad);
    expect(await graph().withAttributes(RESUME).runWith(Sink.seq())).toEqual([1, 2]);
  });

  it('flatMapPrefix: the flow built from the prefix', async () => {
    const graph = () => Source.range(1, 5).flatMapPrefix(1, () => Flow.create<number>().map(failOn3));
    await expect(graph().runWith(Sink.seq(), quiet())).rejects.toBe(bad);
    expect(await graph().withAttributes(RESUME).runWith(Sink.seq())).toEqual([2, 4, 5]);
  });

  it('prefixAndTail: the tail inherits from the stage that runs it (here flatMapConcat)', async () => {
    const graph = () =>
      Source.range(1, 5)
        .prefixAndTail(1)
        .flatMapConcat(([, tail]) => tail.map(failOn3));
    await expect(graph().runWith(Sink.seq(), quiet())).rejects.toBe(bad);
    expect(await graph().withAttributes(RESUME).runWith(Sink.seq())).toEqual([2, 4, 5]);
  });

  it('the inner source’s own attributes win over the inherited ones', async () => {
    const graph = Source.from([1])
      .flatMapConcat((x) => inner(x).withAttributes(STOP))
      .withAttributes(RESUME);
    await expect(graph.runWith(Sink.seq(), quiet())).rejects.toBe(bad);
  });

  it('custom attributes reach the inner stream; the enclosing name does not (inner stages keep their own)', async () => {
    const out = await Source.single(0)
      .flatMapConcat(() => attributeProbe())
      .withAttributes(Attributes.of('tag', 'outer'))
      .named('pipeline')
      .runWith(Sink.seq());
    expect(out).toEqual(['outer @ attributeProbe']);
    const own = await Source.single(0)
      .flatMapConcat(() => attributeProbe().withAttributes(Attributes.of('tag', 'inner')))
      .withAttributes(Attributes.of('tag', 'outer'))
      .runWith(Sink.seq());
    expect(own).toEqual(['inner @ attributeProbe']);
  });

  it('the subscription timeout set on the enclosing stream applies to a substream opened inside an inner stream', async () => {
    const run = async (attrs: Attributes) => {
      const scheduler = new VirtualScheduler();
      const mat = new Materializer({ scheduler, logger: null });
      const pairs = await Source.single(0)
        .flatMapConcat(() => Source.from([1, 2, 3]).prefixAndTail(1))
        .withAttributes(attrs)
        .runWith(Sink.seq(), mat);
      await scheduler.advance(200);
      const tail = pairs[0]![1];
      return tail.runWith(Sink.seq(), mat);
    };
    // Inherited 100 ms: the inner prefixAndTail's tail has timed out after 200 ms.
    await expect(run(subscriptionTimeout(100))).rejects.toBeInstanceOf(SubscriptionTimeoutException);
    // The default (5 s) has not run out yet.
    expect(await run(Attributes.none)).toEqual([2, 3]);
  });
});

describe('the inner streams of RestartSource/Flow/Sink inherit the restart stage’s attributes', () => {
  const settings = RestartSettings.create(10, 10, 0).withMaxRestarts(1, 1000);

  it('RestartSource', async () => {
    let starts = 0;
    const source = () =>
      RestartSource.onFailuresWithBackoff(settings, () => {
        starts++;
        return Source.range(1, 4).map(failOn3);
      });
    starts = 0;
    expect(await source().withAttributes(RESUME).runWith(Sink.seq())).toEqual([1, 2, 4]);
    expect(starts).toBe(1); // resumed inside: the inner source never failed
  });

  it('RestartFlow', async () => {
    let starts = 0;
    const flow = RestartFlow.onFailuresWithBackoff(settings, () => {
      starts++;
      return Flow.create<number>().map(failOn3);
    });
    expect(await Source.range(1, 4).via(flow.withAttributes(RESUME)).runWith(Sink.seq())).toEqual([1, 2, 4]);
    expect(starts).toBe(1);
  });

  it('RestartSink', async () => {
    let starts = 0;
    const seen: number[] = [];
    const sink = RestartSink.withBackoff(settings, () => {
      starts++;
      return Flow.create<number>()
        .map(failOn3)
        .to(Sink.foreach((x: number) => void seen.push(x)));
    });
    Source.range(1, 4).runWith(sink.withAttributes(RESUME));
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual([1, 2, 4]);
    expect(starts).toBe(1);
  });
});
