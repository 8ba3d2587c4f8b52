import { Attributes, Flow, FlowWithContext, Keep, Materializer, Sink, Source, SourceWithContext, Supervision } from '@tributary/core';
import { TestSink, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests } from '../operators/harness.js';
import { ManualCalls, virtualTime } from '../operators/timeHarness.js';

/** A record with its offset, as a Kafka consumer would deliver it. */
interface Rec {
  readonly value: string;
  readonly offset: number;
}
const rec = (offset: number, value = `v${offset}`): Rec => ({ value, offset });
const records = (n: number): Rec[] => Array.from({ length: n }, (_, i) => rec(i));
const withOffsets = (rs: readonly Rec[]) => Source.from(rs).asSourceWithContext((r) => r.offset);
const quiet = () => new Materializer({ logger: null });

describe('SourceWithContext: creation and the pairs underneath', () => {
  it('asSourceWithContext pairs each element with the context extracted from it', async () => {
    expect(await withOffsets(records(3)).asSource().runWith(Sink.seq())).toEqual([
      [rec(0), 0],
      [rec(1), 1],
      [rec(2), 2],
    ]);
  });

  it('fromTuples takes a source of pairs; runWith/to/toMat close it with a sink of pairs', async () => {
    const s = SourceWithContext.fromTuples(
      Source.from<[string, number]>([
        ['a', 1],
        ['b', 2],
      ]),
    );
    expect(await s.runWith(Sink.seq())).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    const [m, all] = s
      .mapMaterializedValue(() => 'mat')
      .toMat(Sink.seq(), Keep.both)
      .run();
    expect(m).toBe('mat');
    expect(await all).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    const seen: unknown[] = [];
    s.to(Sink.foreach((p) => seen.push(p))).run();
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('is a graph of pairs: Source.fromGraph and a plain via accept it', async () => {
    const s = withOffsets(records(2)).map((r) => r.value);
    expect(
      await Source.fromGraph(s)
        .map(([v, o]) => `${v}@${o}`)
        .runWith(Sink.seq()),
    ).toEqual(['v0@0', 'v1@1']);
  });

  it('preserves demand: nothing is pulled before downstream asks, one element per request', async () => {
    const [up, down] = TestSource.probe<Rec>()
      .asSourceWithContext((r) => r.offset)
      .map((r) => r.value)
      .filter(() => true)
      .asSource()
      .toMat(TestSink.probe<[string, number]>(), Keep.both)
      .run();
    await up.expectNoMessageWhenIdle();
    down.request(2);
    await expectRequests(up, 1);
    up.sendNext(rec(7));
    await down.expectNext(['v7', 7]);
    await expectRequests(up, 1);
    up.sendNext(rec(8)).sendComplete();
    await down.expectNext(['v8', 8]);
    await down.expectComplete();
  });

  it('rejects what is not a source of pairs, and a non-function context extractor', () => {
    expect(() => SourceWithContext.fromTuples(Flow.create<[number, number]>() as never)).toThrow(
      'SourceWithContext.fromTuples: source must be a Source of [element, context] pairs (a graph with a SourceShape), got FlowShape',
    );
    expect(() => SourceWithContext.fromTuples(undefined as never)).toThrow('got undefined');
    expect(() => Source.single(1).asSourceWithContext('offset' as never)).toThrow('asSourceWithContext: extractContext must be a function, got "offset"');
  });
});

describe('SourceWithContext operators keep each context with its element', () => {
  it('map transforms the element only', async () => {
    expect(
      await withOffsets(records(2))
        .map((r) => r.value.toUpperCase())
        .runWith(Sink.seq()),
    ).toEqual([
      ['V0', 0],
      ['V1', 1],
    ]);
  });

  it('filter and filterNot drop the context together with the element', async () => {
    const even = (r: Rec) => r.offset % 2 === 0;
    expect(
      await withOffsets(records(5))
        .filter(even)
        .map((r) => r.value)
        .runWith(Sink.seq()),
    ).toEqual([
      ['v0', 0],
      ['v2', 2],
      ['v4', 4],
    ]);
    expect(
      await withOffsets(records(5))
        .filterNot(even)
        .map((r) => r.value)
        .runWith(Sink.seq()),
    ).toEqual([
      ['v1', 1],
      ['v3', 3],
    ]);
  });

  it('collect drops the context of an element it is not defined for', async () => {
    const out = await withOffsets(records(4))
      .collect((r) => (r.offset === 2 ? undefined : r.offset * 10))
      .runWith(Sink.seq());
    expect(out).toEqual([
      [0, 0],
      [10, 1],
      [30, 3],
    ]);
  });

  it('mapConcat repeats the context on every output; an empty iterable drops it', async () => {
    const out = await withOffsets(records(3))
      .mapConcat((r) => Array.from({ length: r.offset }, (_, i) => `${r.offset}.${i}`))
      .runWith(Sink.seq());
    expect(out).toEqual([
      ['1.0', 1],
      ['2.0', 2],
      ['2.1', 2],
    ]);
  });

  it('mapConcat reads a lazy iterable on demand and fails clearly on a non-iterable', async () => {
    const out = await withOffsets(records(2))
      .mapConcat(function* (r) {
        yield r.offset;
        yield -r.offset;
      })
      .runWith(Sink.seq());
    expect(out).toEqual([
      [0, 0],
      [-0, 0],
      [1, 1],
      [-1, 1],
    ]);
    await expect(
      withOffsets(records(1))
        .mapConcat(() => 42 as never)
        .runWith(Sink.seq(), quiet()),
    ).rejects.toThrow('mapConcat: f must return an iterable, got 42');
  });

  it('mapAsync emits in element order, each result with its own context, whatever order calls settle in', async () => {
    const calls = new ManualCalls<string, string>();
    const [up, down] = TestSource.probe<Rec>()
      .asSourceWithContext((r) => r.offset)
      .map((r) => r.value)
      .mapAsync(3, calls.f)
      .asSource()
      .toMat(TestSink.probe<[string, number]>(), Keep.both)
      .run();
    down.request(10);
    up.sendNextN([rec(1, 'a'), rec(2, 'b'), rec(3, 'c')]);
    await calls.waitForStarted(3);
    calls.resolve('c', 'C');
    calls.resolve('b', 'B');
    await down.expectNoMessageWhenIdle();
    calls.resolve('a', 'A');
    await down.expectNext(['A', 1]);
    await down.expectNext(['B', 2]);
    await down.expectNext(['C', 3]);
    down.cancel();
  });

  it('mapAsync accepts plain values and keeps at most `parallelism` calls running', async () => {
    let running = 0;
    let maxRunning = 0;
    const out = await withOffsets(records(20))
      .mapAsync(3, async (r) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((res) => setTimeout(res, r.offset % 3));
        running--;
        return r.offset * 2;
      })
      .mapAsync(2, (x) => x + 1)
      .runWith(Sink.seq());
    expect(out).toEqual(records(20).map((r) => [r.offset * 2 + 1, r.offset]));
    expect(maxRunning).toBeLessThanOrEqual(3);
  });

  it('mapAsync: a rejected call fails the stream; with resume its element and context are dropped', async () => {
    const e = boom();
    const failing = (r: Rec) => (r.offset === 1 ? Promise.reject(e) : Promise.resolve(r.value));
    await expect(withOffsets(records(3)).mapAsync(2, failing).runWith(Sink.seq(), quiet())).rejects.toBe(e);
    const resumed = withOffsets(records(3)).mapAsync(2, failing).withAttributes(Attributes.supervisionStrategy(Supervision.resume));
    expect(await resumed.runWith(Sink.seq())).toEqual([
      ['v0', 0],
      ['v2', 2],
    ]);
  });

  it('mapAsyncPartitioned runs one call per partition at a time and keeps element order and contexts', async () => {
    const calls = new ManualCalls<number, string>();
    const [up, down] = TestSource.probe<Rec>()
      .asSourceWithContext((r) => `ctx${r.offset}`)
      .mapAsyncPartitioned(
        4,
        (r) => r.offset % 2,
        (r) => calls.f(r.offset),
      )
      .asSource()
      .toMat(TestSink.probe<[string, string]>(), Keep.both)
      .run();
    down.request(10);
    up.sendNextN([rec(0), rec(1), rec(2), rec(3)]);
    await calls.waitForStarted(2);
    expect(calls.started).toEqual([0, 1]);
    calls.resolve(1, 'one');
    await calls.waitForStarted(3);
    expect(calls.started).toEqual([0, 1, 3]);
    calls.resolve(0, 'zero');
    await down.expectNext(['zero', 'ctx0']);
    await down.expectNext(['one', 'ctx1']);
    calls.resolve(3, 'three');
    await calls.waitForStarted(4);
    calls.resolve(2, 'two');
    await down.expectNext(['two', 'ctx2']);
    await down.expectNext(['three', 'ctx3']);
    down.cancel();
  });

  it('grouped makes the contexts of a group an array, in the same order', async () => {
    expect(
      await withOffsets(records(5))
        .map((r) => r.value)
        .grouped(2)
        .runWith(Sink.seq()),
    ).toEqual([
      [
        ['v0', 'v1'],
        [0, 1],
      ],
      [
        ['v2', 'v3'],
        [2, 3],
      ],
      [['v4'], [4]],
    ]);
  });

  it('sliding makes the contexts of a window an array', async () => {
    expect(
      await withOffsets(records(4))
        .map((r) => r.offset)
        .sliding(3, 2)
        .runWith(Sink.seq()),
    ).toEqual([
      [
        [0, 1, 2],
        [0, 1, 2],
      ],
      [
        [2, 3],
        [2, 3],
      ],
    ]);
  });

  it('mapContext transforms the contexts only; after grouped it can pick the offset to commit', async () => {
    const out = await withOffsets(records(5))
      .grouped(2)
      .mapContext((offsets) => Math.max(...offsets))
      .map((rs) => rs.length)
      .runWith(Sink.seq());
    expect(out).toEqual([
      [2, 1],
      [2, 3],
      [1, 4],
    ]);
  });

  it('a throwing map with resume drops the element and its context, the next pairs stay aligned', async () => {
    const out = await withOffsets(records(4))
      .map((r) => {
        if (r.offset === 1) throw boom();
        return r.value;
      })
      .withAttributes(Attributes.supervisionStrategy(Supervision.resume))
      .runWith(Sink.seq());
    expect(out).toEqual([
      ['v0', 0],
      ['v2', 2],
      ['v3', 3],
    ]);
  });

  it('a throwing map (default stop) fails the stream with the original error', async () => {
    const e = boom();
    await expect(
      withOffsets(records(2))
        .map(() => {
          throw e;
        })
        .runWith(Sink.seq(), quiet()),
    ).rejects.toBe(e);
  });

  it('mapError replaces the failure; log and throttle pass pairs through', async () => {
    const e = boom();
    const failed = SourceWithContext.fromTuples(Source.failed<[number, number]>(e)).mapError(() => new RangeError('mapped'));
    await expect(failed.runWith(Sink.seq(), quiet())).rejects.toThrow(RangeError);
    const lines: unknown[][] = [];
    const logger = { debug: (...a: unknown[]) => lines.push(a), info: () => {}, warn: () => {}, error: () => {} };
    const logged = await withOffsets(records(2))
      .log('recs', (r) => r.value, logger)
      .runWith(Sink.seq());
    expect(logged).toEqual([
      [rec(0), 0],
      [rec(1), 1],
    ]);
    expect(lines.map((l) => l.join(' ')).filter((l) => l.includes('v0') || l.includes('v1'))).toHaveLength(2);
    expect(lines.map((l) => l.join(' ')).join('\n')).not.toContain('[object Object]');
  });

  it('throttle shapes the rate in virtual time, with a cost function over the element', async () => {
    const { scheduler, mat } = virtualTime();
    const down = withOffsets(records(3))
      .throttle(1, 100, { maximumBurst: 1, cost: (r) => (r.offset === 0 ? 1 : 1) })
      .asSource()
      .runWith(TestSink.probe<[Rec, number]>(), mat);
    down.request(3);
    await down.expectNext([rec(0), 0]);
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(100);
    await down.expectNext([rec(1), 1]);
    await scheduler.advance(100);
    await down.expectNext([rec(2), 2]);
    await down.expectComplete();
  });

  it('alsoTo/wireTap see the elements, alsoToContext/wireTapContext the contexts', async () => {
    const values: string[] = [];
    const offsets: number[] = [];
    const tapped: string[] = [];
    const tappedOffsets: number[] = [];
    const out = await withOffsets(records(3))
      .map((r) => r.value)
      .alsoTo(Sink.foreach((v) => values.push(v)))
      .alsoToContext(Sink.foreach((o) => offsets.push(o)))
      .wireTap((v) => tapped.push(v))
      .wireTapContext((o) => tappedOffsets.push(o))
      .runWith(Sink.seq());
    expect(out).toEqual([
      ['v0', 0],
      ['v1', 1],
      ['v2', 2],
    ]);
    expect(values).toEqual(['v0', 'v1', 'v2']);
    expect(offsets).toEqual([0, 1, 2]);
    expect(tapped).toEqual(['v0', 'v1', 'v2']);
    expect(tappedOffsets).toEqual([0, 1, 2]);
    expect(() => withOffsets(records(1)).alsoTo(Source.single(1) as never)).toThrow('alsoTo: sink must be a Sink (a graph with a SinkShape), got SourceShape');
  });

  it('via a FlowWithContext, and viaMat keeping its materialized value', async () => {
    const parse = FlowWithContext.create<Rec, number>()
      .map((r) => Number(r.value.slice(1)))
      .mapMaterializedValue(() => 'parser');
    const s = withOffsets(records(3)).viaMat(parse, Keep.right);
    const [m, out] = s.toMat(Sink.seq(), Keep.both).run();
    expect(m).toBe('parser');
    expect(await out).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
    expect(
      await withOffsets(records(2))
        .via(parse)
        .via(Flow.create<[number, number]>().map(([x, c]): [number, string] => [x + c, `#${c}`]))
        .runWith(Sink.seq()),
    ).toEqual([
      [0, '#0'],
      [2, '#1'],
    ]);
  });

  it('unsafeDataVia runs the elements through a 1:1 flow and pairs the results with the contexts again', async () => {
    const [up, down] = TestSource.probe<Rec>()
      .asSourceWithContext((r) => r.offset)
      .unsafeDataVia(Flow.create<Rec>().map((r) => r.value.toUpperCase()))
      .asSource()
      .toMat(TestSink.probe<[string, number]>(), Keep.both)
      .run();
    down.request(1);
    await up.expectRequest();
    up.sendNext(rec(5));
    await down.expectNext(['V5', 5]);
    down.request(5);
    up.sendNext(rec(6)).sendComplete();
    await down.expectNext(['V6', 6]);
    await down.expectComplete();
    expect(() => withOffsets(records(1)).unsafeDataVia(Sink.ignore() as never)).toThrow(
      'unsafeDataVia: flow must be a Flow (a graph with a FlowShape), got SinkShape',
    );
  });

  it('named, async and withAttributes return sources with context that still work', async () => {
    const s = withOffsets(records(3))
      .map((r) => r.offset)
      .named('offsets')
      .async()
      .withAttributes(Attributes.inputBuffer(1, 1));
    expect(await s.runWith(Sink.seq())).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
    const e = boom();
    const failing = withOffsets(records(1))
      .map(() => {
        throw e;
      })
      .named('parseRecord');
    await expect(failing.runWith(Sink.seq(), quiet())).rejects.toBe(e);
  });

  it('propagates upstream failure and downstream cancellation', async () => {
    const e = boom();
    const [up, down] = TestSource.probe<Rec>()
      .asSourceWithContext((r) => r.offset)
      .mapAsync(2, async (r) => r.value)
      .grouped(2)
      .asSource()
      .toMat(TestSink.probe<[string[], number[]]>(), Keep.both)
      .run(quiet());
    down.request(1);
    await up.expectRequest();
    up.sendError(e);
    expect(await down.expectError()).toBe(e);

    const [up2, down2] = TestSource.probe<Rec>()
      .asSourceWithContext((r) => r.offset)
      .map((r) => r.value)
      .asSource()
      .toMat(TestSink.probe<[string, number]>(), Keep.both)
      .run();
    down2.request(1);
    await up2.expectRequest();
    down2.cancel();
    await up2.expectCancellation();
  });

  it('argument validation names the operator', () => {
    const s = withOffsets(records(1));
    expect(() => s.map(1 as never)).toThrow('map: f must be a function, got 1');
    expect(() => s.filter(null as never)).toThrow('filter: predicate must be a function, got null');
    expect(() => s.filterNot(null as never)).toThrow('filterNot: predicate must be a function, got null');
    expect(() => s.collect('x' as never)).toThrow('collect: pf must be a function, got "x"');
    expect(() => s.mapConcat({} as never)).toThrow('mapConcat: f must be a function, got an object');
    expect(() => s.mapAsync(0, async (r) => r)).toThrow('mapAsync: parallelism must be a positive integer, got 0');
    expect(() => s.mapAsync(1, undefined as never)).toThrow('mapAsync: f must be a function, got undefined');
    expect(() => s.mapAsyncPartitioned(2, 'p' as never, async (r) => r)).toThrow('mapAsyncPartitioned: partitioner must be a function, got "p"');
    expect(() => s.grouped(0)).toThrow('grouped: n must be a positive integer, got 0');
    expect(() => s.sliding(2, 0)).toThrow('sliding: step must be a positive integer, got 0');
    expect(() => s.mapContext(2 as never)).toThrow('mapContext: f must be a function, got 2');
    expect(() => s.mapMaterializedValue(null as never)).toThrow('SourceWithContext.mapMaterializedValue: f must be a function, got null');
    expect(() => s.throttle(1, 100, { cost: 3 as never })).toThrow('throttle: cost must be a function, got 3');
  });
});
