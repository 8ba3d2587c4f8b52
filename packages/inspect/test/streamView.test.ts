/** The snapshot → view model: graph, rates, states, hold-up, failures; from real running streams. */

import {
  Broadcast,
  ClosedShape,
  type DetailedStageSnapshot,
  type DetailedStreamSnapshot,
  Flow,
  GraphDSL,
  Keep,
  Materializer,
  Merge,
  Sink,
  Source,
} from '@tributary/core';
import { type StreamView, streamView } from '@tributary/inspect';
import { TestSink, TestSource } from '@tributary/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

async function eventually(cond: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const only = (mat: Materializer): DetailedStreamSnapshot => {
  const all = mat.detailedSnapshot();
  expect(all).toHaveLength(1);
  return all[0]!;
};

const byName = (view: StreamView, name: string) => {
  const found = view.stages.filter((s) => s.name === name);
  expect(found, `exactly one stage named ${name}`).toHaveLength(1);
  return found[0]!;
};

describe('streamView', () => {
  it('shows demand as pulling / back-pressured, movement as running, and rates from the previous snapshot', async () => {
    const mat = new Materializer({ logger: null });
    const [up, down] = TestSource.probe<number>()
      .named('source')
      .via(
        Flow.create<number>()
          .map((x) => x * 2)
          .named('double'),
      )
      .toMat(TestSink.probe<number>().named('sink'), Keep.both)
      .run(mat);
    await eventually(() => mat.detailedSnapshot().length === 1, 'the stream');
    const idle = streamView({ snapshot: only(mat), stallAfterMs: 5000 });
    expect(idle.stages.map((s) => [s.name, s.status])).toEqual([
      ['source', 'back-pressured'],
      ['double', 'back-pressured'],
      ['sink', 'back-pressured'],
    ]);
    expect(idle.edges.map((e) => [e.from, e.to, e.rate])).toEqual([
      [0, 1, 0],
      [1, 2, 0],
    ]);

    down.request(1);
    await up.expectRequest();
    const asked = only(mat);
    const pulling = streamView({ snapshot: asked, stallAfterMs: 5000 });
    expect(pulling.stages.map((s) => s.status)).toEqual(['pulling', 'pulling', 'pulling']);
    // Demand stops at the source: it was asked and has nothing.
    expect(pulling.holdUp).toMatchObject({ name: 'source', reason: 'demand without element', share: 1 });
    expect(byName(pulling, 'source').holdingUp).toBe(true);

    down.request(10);
    for (let i = 0; i < 4; i++) up.sendNext(i);
    await down.expectNextN([0, 2, 4, 6]);
    const moved = streamView({ snapshot: only(mat), previous: { snapshot: asked, elapsedMs: 500 }, stallAfterMs: 5000 });
    expect(moved.stages.map((s) => s.status)).toEqual(['running', 'running', 'running']);
    // 4 elements in 500 ms.
    expect(moved.edges.map((e) => e.rate)).toEqual([8, 8]);
    expect(byName(moved, 'double')).toMatchObject({ elementsIn: 4, elementsOut: 4, inRate: 8, outRate: 8 });
    expect(moved.deliveriesPerSecond).toBe(16);
    up.sendComplete();
    await down.expectComplete();
    mat.shutdown();
  });

  it('draws an async boundary as one edge carrying its buffer, and numbers the islands', async () => {
    const mat = new Materializer({ logger: null });
    const [up, down] = TestSource.probe<number>()
      .named('producer')
      .async()
      .via(
        Flow.create<number>()
          .map((x) => x + 1)
          .named('consumer'),
      )
      .toMat(TestSink.probe<number>().named('sink'), Keep.both)
      .run(mat);
    await eventually(() => mat.detailedSnapshot().length === 1, 'the stream');
    up.sendNext(1).sendNext(2);
    await eventually(() => only(mat).stages.some((s) => s.boundary?.buffered === 2), 'two buffered elements');
    const view = streamView({ snapshot: only(mat), stallAfterMs: 5000 });
    expect(view.stages.map((s) => [s.name, s.island])).toEqual([
      ['producer', 0],
      ['consumer', 1],
      ['sink', 1],
    ]);
    expect(view.islands).toBe(2);
    const [crossing, local] = view.edges;
    expect(view.edges).toHaveLength(2);
    expect(crossing).toMatchObject({
      from: byName(view, 'producer').id,
      to: byName(view, 'consumer').id,
      boundary: { buffered: 2, capacity: 16 },
      elements: 0,
    });
    expect(local!.boundary).toBeUndefined();
    down.request(2);
    await down.expectNextN([2, 3]);
    const drained = streamView({ snapshot: only(mat), stallAfterMs: 5000 });
    expect(drained.edges[0]).toMatchObject({ elements: 2, boundary: { buffered: 0 } });
    up.sendComplete();
    await down.expectComplete();
    mat.shutdown();
  });

  it('marks the stages of a running substream', async () => {
    const mat = new Materializer({ logger: null });
    const down = Source.failed<number>(new Error('primary down'))
      .named('primary')
      .recoverWithRetries(1, () => TestSource.probe<number>().named('backup'))
      .runWith(TestSink.probe<number>().named('sink'), mat);
    down.request(1);
    await eventually(() => only(mat).stages.some((s) => s.name === 'backup'), 'the recovery source');
    const view = streamView({ snapshot: only(mat), stallAfterMs: 5000 });
    expect(view.stages.filter((s) => s.substream).map((s) => s.name)).toContain('backup');
    expect(view.stages.filter((s) => !s.substream).map((s) => s.name)).toEqual(['primary', 'recoverWithRetries', 'sink']);
    expect(byName(view, 'primary')).toMatchObject({ status: 'failed', failure: { message: 'Error: primary down', origin: 'primary' } });
    // A failure that was recovered from does not fail the stream.
    expect(view.status).toBe('running');
    expect(view.failures.map((f) => f.name)).toEqual(['primary']);
    down.cancel();
    mat.shutdown();
  });

  it('draws fan-out and fan-in junctions with one edge per connection', async () => {
    const mat = new Materializer({ logger: null });
    const done = GraphDSL.createWith(
      [Sink.seq<number>().named('results')],
      (results) => results,
      (b, results) => {
        const fanOut = b.add(Broadcast.create<number>(2));
        const fanIn = b.add(Merge.create<number>(2));
        b.from(Source.range(1, 3).named('numbers')).viaFanOut(fanOut).viaFanIn(fanIn).to(results);
        b.from(fanOut)
          .via(
            Flow.create<number>()
              .map((x) => -x)
              .named('negate'),
          )
          .viaFanIn(fanIn);
        return ClosedShape.instance;
      },
    );
    const finals: DetailedStreamSnapshot[] = [];
    mat.onStreamFinished((s) => finals.push(s));
    await mat.materialize(done);
    await eventually(() => finals.length === 1, 'the final snapshot');
    const view = streamView({ snapshot: finals[0]!, stallAfterMs: 5000 });
    const id = (name: string) => byName(view, name).id;
    const edges = view.edges.map((e) => [e.from, e.to, e.elements]).sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
    expect(edges).toEqual(
      [
        [id('numbers'), id('Broadcast'), 3],
        [id('Broadcast'), id('Merge'), 3],
        [id('Broadcast'), id('negate'), 3],
        [id('negate'), id('Merge'), 3],
        [id('Merge'), id('results'), 6],
      ].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!),
    );
    expect(view.status).toBe('completed');
    expect(view.stages.every((s) => s.status === 'finished')).toBe(true);
    expect(view.holdUp).toBeUndefined();
    mat.shutdown();
  });

  it('reports a failed stream with the stage where the failure started', async () => {
    const mat = new Materializer({ logger: null });
    const finals: DetailedStreamSnapshot[] = [];
    mat.onStreamFinished((s) => finals.push(s));
    const result = Source.from([1, 2, 3])
      .named('numbers')
      .via(
        Flow.create<number>()
          .map((x) => {
            if (x === 2) throw new RangeError('two is out of range');
            return x;
          })
          .named('validate'),
      )
      .runWith(Sink.seq<number>().named('results'), mat);
    await expect(result).rejects.toThrow('two is out of range');
    await eventually(() => finals.length === 1, 'the final snapshot');
    const view = streamView({ snapshot: finals[0]!, stallAfterMs: 5000 });
    expect(view.status).toBe('failed');
    // The source was cancelled with the error as its cause: it failed too, and the origin says where it started.
    expect(view.failures).toEqual(
      ['numbers', 'validate', 'results'].map((name) => ({
        stage: byName(view, name).id,
        name,
        message: 'RangeError: two is out of range',
        origin: 'validate',
      })),
    );
    expect(view.stages.map((s) => s.status)).toEqual(['failed', 'failed', 'failed']);
    mat.shutdown();
  });
});

/** Synthetic snapshots of a chain of stages, for rules that need exact control over what the core reports. */
function chain(
  names: readonly string[],
  opts: { holdUp?: number; progress?: number; elements?: number; boundaryAfter?: ReadonlySet<number> } = {},
): DetailedStreamSnapshot {
  const stages: DetailedStageSnapshot[] = [];
  const connections: DetailedStreamSnapshot['connections'][number][] = [];
  const n = opts.elements ?? 0;
  let next = 0;
  let previous: number | undefined;
  names.forEach((name, i) => {
    const id = next++;
    stages.push({ id, name, state: 'waiting for element', elementsIn: i === 0 ? 0 : n, elementsOut: i === names.length - 1 ? 0 : n, substream: false });
    if (previous !== undefined)
      connections.push({ from: `${names[i - 1]}.out`, to: `${name}.in`, fromStage: previous, toStage: id, state: 'pulled', elements: n });
    previous = id;
    if (opts.boundaryAfter?.has(i) === true && i < names.length - 1) {
      const upHalf = next++;
      const downHalf = next++;
      stages.push({
        id: upHalf,
        name: 'asyncBoundary',
        state: 'waiting for element',
        elementsIn: n,
        elementsOut: 0,
        substream: false,
        boundary: { side: 'upstream', peer: downHalf, buffered: 1, capacity: 16 },
      });
      stages.push({
        id: downHalf,
        name: 'asyncBoundary',
        state: 'waiting for element',
        elementsIn: 0,
        elementsOut: n,
        substream: false,
        boundary: { side: 'downstream', peer: upHalf, buffered: 1, capacity: 16 },
      });
      connections.push({ from: `${name}.out`, to: 'asyncBoundary.AsyncBoundary.in', fromStage: id, toStage: upHalf, state: 'pulled', elements: n });
      previous = downHalf;
    }
  });
  return {
    id: 7,
    islands: 1 + (opts.boundaryAfter?.size ?? 0),
    stages,
    connections,
    progress: opts.progress ?? 0,
    holdUp: opts.holdUp === undefined ? undefined : { stage: opts.holdUp, reason: 'demand without element' },
    finished: false,
  };
}

describe('streamView rules', () => {
  it('marks a stage as holding the stream up only when named in most recent samples', () => {
    const snapshot = chain(['a', 'b', 'c'], { holdUp: 1 });
    const marked = (recent: (number | undefined)[]) =>
      streamView({ snapshot, recentHoldUps: recent, stallAfterMs: 5000 })
        .stages.filter((s) => s.holdingUp)
        .map((s) => s.name);
    expect(marked([1, 1, 1, 0, undefined])).toEqual(['b']);
    expect(marked([1, 2, undefined, 0, 1])).toEqual([]);
    expect(marked([2, 2, 2, 2, 1])).toEqual(['c']);
    expect(streamView({ snapshot, recentHoldUps: [1, 1, 1, 1, 2], stallAfterMs: 5000 }).holdUp).toEqual({
      stage: 1,
      name: 'b',
      reason: 'demand without element',
      share: 0.8,
    });
  });

  it('calls a stream stalled after stallAfterMs without progress, and then names the current hold-up', () => {
    const snapshot = chain(['a', 'b', 'c'], { holdUp: 2 });
    const noisy = [0, 1, undefined, 0, 2];
    expect(streamView({ snapshot, recentHoldUps: noisy, idleMs: 4999, stallAfterMs: 5000 })).toMatchObject({ status: 'running', holdUp: undefined });
    const stalled = streamView({ snapshot, recentHoldUps: noisy, idleMs: 5000, stallAfterMs: 5000 });
    expect(stalled).toMatchObject({ status: 'stalled', idleMs: 5000, holdUp: { name: 'c', share: 1 } });
  });

  it('never reports a negative rate (a stage id reused by another stream shape)', () => {
    const before = chain(['a', 'b'], { elements: 10 });
    const after = chain(['a', 'b'], { elements: 4 });
    expect(streamView({ snapshot: after, previous: { snapshot: before, elapsedMs: 1000 }, stallAfterMs: 5000 }).edges[0]!.rate).toBe(0);
  });

  it('property: a chain with boundaries keeps its stages in order, one edge per link, one island per region', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(fc.nat(11)), fc.nat(1000), fc.integer({ min: 1, max: 5000 }), (length, cuts, delta, elapsedMs) => {
        const names = Array.from({ length }, (_, i) => `s${i}`);
        const boundaryAfter = new Set(cuts.filter((c) => c < length - 1));
        const before = chain(names, { boundaryAfter, elements: 5 });
        const after = chain(names, { boundaryAfter, elements: 5 + delta });
        const view = streamView({ snapshot: after, previous: { snapshot: before, elapsedMs }, stallAfterMs: 5000 });
        expect(view.stages.map((s) => s.name)).toEqual(names);
        expect(view.edges).toHaveLength(length - 1);
        view.edges.forEach((e, i) => {
          expect([view.stages.findIndex((s) => s.id === e.from), view.stages.findIndex((s) => s.id === e.to)]).toEqual([i, i + 1]);
          expect(e.boundary !== undefined).toBe(boundaryAfter.has(i));
          expect(e.rate).toBeCloseTo((delta * 1000) / elapsedMs, 9);
        });
        expect(new Set(view.stages.map((s) => s.island)).size).toBe(boundaryAfter.size + 1);
        // Islands are numbered in order along the chain.
        let island = 0;
        view.stages.forEach((s, i) => {
          if (i > 0 && boundaryAfter.has(i - 1)) island++;
          expect(s.island).toBe(island);
        });
      }),
    );
  });
});
