/**
 * `a.merge(b).merge(c)` is built as one `Merge(3)` junction (see `mergeInto` in dsl/ops/graphOps.ts),
 * and only when the left side is exactly an unmodified merge result with the same `eagerComplete`.
 * The laws (same elements, per-input order, completion, failure, take) are checked against nested
 * junctions under random demand in ../properties/mergeFlattening.property.test.ts.
 */
import { Attributes, Flow, Keep, Sink, Source, toMermaid } from '@tributary/core';
import { type TestPublisherProbe, TestSink, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom } from '../graph/harness.js';

/** The number of Merge junctions in a blueprint. */
const merges = (g: Parameters<typeof toMermaid>[0]): number => toMermaid(g).match(/\["Merge"\]/g)?.length ?? 0;

/** `first.merge(ups[1]).merge(ups[2])…` over upstream probes, with a downstream probe. */
function probes(k: number, build: (first: Source<number, unknown>, rest: Source<number, unknown>[]) => Source<number, unknown>) {
  const ups: TestPublisherProbe<number>[] = [];
  const srcs = Array.from({ length: k }, () => TestSource.probe<number>().mapMaterializedValue((p) => ups.push(p)));
  const down = build(srcs[0]!, srcs.slice(1)).runWith(TestSink.probe<number>());
  return { ups, down };
}
const chain = (first: Source<number, unknown>, rest: Source<number, unknown>[], eager = false) => rest.reduce((s, x) => s.merge(x, eager), first);

describe('nested merges are flattened into one junction', () => {
  it('a.merge(b).merge(c), mergeAll and their mixtures build one Merge with every input', () => {
    // named: a plain Source.single would be read in place by the junction, not wired as an input
    // (see mergeInline.test.ts), and these assertions are about the junction's inlets
    const s = (x: number) => Source.single(x).named(`s${x}`);
    expect(merges(s(1).merge(s(2)))).toBe(1);
    expect(merges(s(1).merge(s(2)).merge(s(3)))).toBe(1);
    expect(
      merges(
        s(1)
          .mergeAll([s(2), s(3)])
          .merge(s(4))
          .mergeAll([s(5), s(6)]),
      ),
    ).toBe(1);
    expect(merges(s(1).merge(s(2), true).merge(s(3), true))).toBe(1);
    expect(merges(Flow.create<number>().merge(s(2)).merge(s(3)))).toBe(1);
    expect(toMermaid(s(1).merge(s(2)).merge(s(3)).merge(s(4)))).toContain('Merge.in3');
    let deep: Source<number> = s(0);
    for (let k = 1; k <= 100; k++) deep = deep.merge(s(k));
    expect(merges(deep)).toBe(1);
    // past 128 inputs a new junction starts (building stays linear in the chain's length)
    for (let k = 101; k <= 300; k++) deep = deep.merge(s(k));
    expect(merges(deep)).toBe(3);
    expect(toMermaid(deep)).toContain('Merge.in127');
    expect(toMermaid(deep)).not.toContain('Merge.in128');
  });

  it('does not flatten when anything was added to the inner merge, or the flags differ', () => {
    const s = (x: number) => Source.single(x);
    const inner = () => s(1).merge(s(2));
    expect(merges(inner().async().merge(s(3)))).toBe(2);
    expect(merges(inner().named('inner').merge(s(3)))).toBe(2);
    expect(merges(inner().withAttributes(Attributes.inputBuffer(4, 4)).merge(s(3)))).toBe(2);
    expect(
      merges(
        inner()
          .map((x) => x)
          .merge(s(3)),
      ),
    ).toBe(2);
    expect(
      merges(
        inner()
          .mapMaterializedValue(() => 'other')
          .merge(s(3)),
      ),
    ).toBe(2);
    expect(merges(inner().merge(s(3), true))).toBe(2);
    expect(merges(s(1).merge(s(2), true).merge(s(3)))).toBe(2);
    // the right-hand side is merged as a whole
    expect(merges(s(1).merge(inner()))).toBe(2);
  });

  it('keeps the materialized value of the first source, and still materializes every input', async () => {
    const seen: string[] = [];
    const tag = (name: string) => Source.single(name).mapMaterializedValue(() => seen.push(name));
    const [mat, out] = Source.single('a')
      .mapMaterializedValue(() => 'first')
      .merge(tag('b'))
      .merge(tag('c'))
      .mergeAll([tag('d')])
      .toMat(Sink.seq(), Keep.both)
      .run();
    expect(mat).toBe('first');
    expect([...(await out)].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(seen).toEqual(['b', 'c', 'd']);
  });

  it('pulls every input once ahead at start and emits only on demand', async () => {
    const { ups, down } = probes(3, chain);
    for (const up of ups) expect(await up.expectRequest()).toBe(1);
    ups[0]!.sendNext(1);
    ups[1]!.sendNext(2);
    ups[2]!.sendNext(3);
    await down.expectNoMessageWhenIdle();
    for (const up of ups) await up.expectNoMessageWhenIdle(); // each element waits: no second pull
    down.request(3);
    expect([await down.expectNext(), await down.expectNext(), await down.expectNext()].sort()).toEqual([1, 2, 3]);
    for (const up of ups) await up.expectRequest();
    down.cancel();
    for (const up of ups) await up.expectCancellation();
  });

  it('completes when all inputs completed, the others still flowing', async () => {
    const { ups, down } = probes(3, chain);
    down.request(10);
    ups[0]!.sendComplete();
    ups[2]!.sendNext(7).sendComplete();
    await down.expectNext(7);
    await down.expectNoMessageWhenIdle();
    ups[1]!.sendNextN([8, 9]).sendComplete();
    await down.expectNextN([8, 9]);
    await down.expectComplete();
  });

  it('fails with the first failure and cancels every other input', async () => {
    const e = boom();
    const { ups, down } = probes(4, chain);
    down.request(1);
    ups[2]!.sendError(e);
    expect(await down.expectError()).toBe(e);
    await ups[0]!.expectCancellation();
    await ups[1]!.expectCancellation();
    await ups[3]!.expectCancellation();
  });

  it('with eagerComplete completes when any input completes, after an element that was waiting', async () => {
    const { ups, down } = probes(3, (first, rest) => chain(first, rest, true));
    for (const up of ups) await up.expectRequest();
    ups[0]!.sendNext(5);
    await down.expectNoMessageWhenIdle();
    ups[2]!.sendComplete();
    await ups[1]!.expectCancellation();
    await down.expectNoMessageWhenIdle();
    down.request(2);
    await down.expectNext(5);
    await down.expectComplete();
  });

  it('a merge with another eagerComplete keeps its own: the inner eager merge ends its inputs, the outer waits', async () => {
    const { ups, down } = probes(3, (first, rest) => first.merge(rest[0]!, true).merge(rest[1]!));
    for (const up of ups) await up.expectRequest();
    down.request(10);
    ups[0]!.sendComplete();
    await ups[1]!.expectCancellation();
    await down.expectNoMessageWhenIdle();
    ups[2]!.sendNext(4).sendComplete();
    await down.expectNext(4);
    await down.expectComplete();
  });

  it('a chain longer than one junction takes keeps every element, each source in order', async () => {
    let s: Source<[number, number]> = Source.from([0, 1, 2]).map((x) => [0, x] as [number, number]);
    for (let k = 1; k <= 300; k++) s = s.merge(Source.from([0, 1, 2]).map((x) => [k, x] as [number, number]));
    const out = await s.runWith(Sink.seq());
    expect(out.length).toBe(301 * 3);
    for (let k = 0; k <= 300; k++) expect(out.filter(([src]) => src === k).map(([, x]) => x)).toEqual([0, 1, 2]);
  });

  it('works the same on a SubFlow: every substream merges every other source', async () => {
    const out = await Source.from([1, 2, 3, 4])
      .groupBy(2, (x) => x % 2)
      .merge(Source.single(10))
      .merge(Source.single(20))
      .mergeAll([Source.single(30)])
      .mergeSubstreams()
      .runWith(Sink.seq());
    expect([...out].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 10, 10, 20, 20, 30, 30]);
    expect(out.filter((x) => x < 10 && x % 2 === 1)).toEqual([1, 3]);
  });
});
