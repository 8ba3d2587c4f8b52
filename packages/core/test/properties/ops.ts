/**
 * A model of number → number operators for random pipelines: each `NumOp` carries its stream form
 * (written once for Source and Flow) and its array oracle. Operators with other output types are
 * followed by a map back to numbers (grouped/sliding hash their windows, zipWithIndex folds the index in).
 */

import type { Flow, FlowOps, HKT, Kind, Source, SourceF } from '@tributary/core';
import fc from 'fast-check';
import { labelled, ops, type Placement, placementArb, type Spy, type StageFn, segment } from './harness.js';
import {
  collectOracle,
  dropWhileOracle,
  foldOracle,
  groupedOracle,
  intersperse3Oracle,
  intersperseOracle,
  mod,
  scanOracle,
  slidingOracle,
  statefulMapOracle,
  takeWhileOracle,
} from './oracles.js';

export interface NumOp {
  readonly label: string;
  readonly oracle: (xs: readonly number[]) => number[];
  readonly stage: StageFn<number, number>;
  /** One output or none per input, decided by that input alone (map/filter/filterNot/collect/zipWithIndex): the outputs of a prefix are a prefix of the outputs. */
  readonly elementwise: boolean;
}

function op(label: string, oracle: (xs: readonly number[]) => number[], stage: StageFn<number, number>, elementwise = false): NumOp {
  return labelled({ label, oracle, stage, elementwise }, label);
}

/** A predicate with a readable label. */
export interface Pred {
  readonly p: (x: number) => boolean;
  readonly label: string;
}

/** Mostly `mod(x, m) < r` for 0 < r < m (keeps some, drops some); now and then always true or always false. */
export const predArb: fc.Arbitrary<Pred> = fc
  .oneof(
    { arbitrary: fc.integer({ min: 2, max: 4 }).chain((m) => fc.tuple(fc.constant(m), fc.integer({ min: 1, max: m - 1 }))), weight: 8 },
    { arbitrary: fc.constantFrom<[number, number]>([1, 1], [1, 0]), weight: 1 },
  )
  .map(([m, r]) => {
    const label = m === 1 ? (r === 1 ? 'x => true' : 'x => false') : `x => mod(x, ${m}) < ${r}`;
    return labelled({ p: (x: number) => mod(x, m) < r, label }, label);
  });

export const hash = (g: readonly number[]): number => g.reduce((a, x) => (a * 31 + x) % 1_000_003, g.length * 7 + 1);

// ───────────────────────────── operator arbitraries ─────────────────────────────

export const mapOpArb = fc.tuple(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -5, max: 5 })).map(([a, b]) => {
  const f = (x: number) => a * x + b;
  return op(
    `map(x => ${a}*x + ${b})`,
    (xs) => xs.map(f),
    (s) => s.map(f),
    true,
  );
});

export const filterOpArb = predArb.map(({ p, label }) =>
  op(
    `filter(${label})`,
    (xs) => xs.filter(p),
    (s) => s.filter(p),
    true,
  ),
);

export const filterNotOpArb = predArb.map(({ p, label }) =>
  op(
    `filterNot(${label})`,
    (xs) => xs.filter((x) => !p(x)),
    (s) => s.filterNot(p),
    true,
  ),
);

export const collectOpArb = fc.tuple(predArb, fc.integer({ min: -5, max: 5 })).map(([{ p, label }, b]) => {
  const pf = (x: number) => (p(x) ? x + b : undefined);
  return op(
    `collect(x => (${label})(x) ? x + ${b} : undefined)`,
    (xs) => collectOracle(xs, pf),
    (s) => s.collect(pf),
    true,
  );
});

export const zipWithIndexOpArb = fc.constant(null).map(() => {
  const f = ([x, i]: [number, number]) => x * 100 + i;
  return op(
    'zipWithIndex().map(([x, i]) => x*100 + i)',
    (xs) => xs.map((x, i) => f([x, i])),
    <F extends HKT>(s: FlowOps<number, F>) => ops<[number, number], F>(s.zipWithIndex()).map(f),
    true,
  );
});

export const mapConcatOpArb = fc.integer({ min: 0, max: 2 }).map((c) => {
  const f = (x: number) => Array.from({ length: mod(x, c + 1) }, (_, i) => x + i);
  return op(
    `mapConcat(x => mod(x, ${c + 1}) copies)`,
    (xs) => xs.flatMap(f),
    (s) => s.mapConcat(f),
  );
});

export const statefulMapOpArb = fc.boolean().map((emitLast) => {
  const create = () => 0;
  const f = (sum: number, x: number) => [sum + x, sum * 2 - x] as const;
  const onComplete = (sum: number) => (emitLast ? sum : undefined);
  return op(
    `statefulMap(sum, emitLast=${emitLast})`,
    (xs) => statefulMapOracle(xs, create, f, onComplete),
    (s) => s.statefulMap(create, f, onComplete),
  );
});

export const scanOpArb = fc.integer({ min: -3, max: 3 }).map((zero) => {
  const f = (a: number, x: number) => (a * 2 + x) % 1009;
  return op(
    `scan(${zero}, (a, x) => (2a + x) % 1009)`,
    (xs) => scanOracle(xs, zero, f),
    (s) => s.scan(zero, f),
  );
});

export const foldOpArb = fc.integer({ min: -3, max: 3 }).map((zero) => {
  const f = (a: number, x: number) => (a * 3 + x) % 10007;
  return op(
    `fold(${zero}, (a, x) => (3a + x) % 10007)`,
    (xs) => foldOracle(xs, zero, f),
    (s) => s.fold(zero, f),
  );
});

/** reduce behind a 3-argument intersperse, so that it never sees an empty stream inside a pipeline. */
export const reduceOpArb = fc.tuple(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -3, max: 3 })).map(([start, end]) => {
  const f = (a: number, x: number) => (a * 2 + x) % 10007;
  return op(
    `intersperse(${start}, 0, ${end}).reduce((a, x) => (2a + x) % 10007)`,
    (xs) => [intersperse3Oracle(xs, start, 0, end).reduce(f)],
    <F extends HKT>(s: FlowOps<number, F>) => ops<number, F>(s.intersperse(start, 0, end)).reduce(f),
  );
});

export const takeOpArb = fc.integer({ min: 0, max: 40 }).map((n) =>
  op(
    `take(${n})`,
    (xs) => xs.slice(0, n),
    (s) => s.take(n),
  ),
);

export const dropOpArb = fc.integer({ min: 0, max: 12 }).map((n) =>
  op(
    `drop(${n})`,
    (xs) => xs.slice(n),
    (s) => s.drop(n),
  ),
);

export const takeWhileOpArb = fc.tuple(predArb, fc.boolean()).map(([{ p, label }, inclusive]) =>
  op(
    `takeWhile(${label}, ${inclusive})`,
    (xs) => takeWhileOracle(xs, p, inclusive),
    (s) => s.takeWhile(p, inclusive),
  ),
);

export const dropWhileOpArb = predArb.map(({ p, label }) =>
  op(
    `dropWhile(${label})`,
    (xs) => dropWhileOracle(xs, p),
    (s) => s.dropWhile(p),
  ),
);

export const groupedOpArb = fc.integer({ min: 1, max: 5 }).map((n) =>
  op(
    `grouped(${n}).map(hash)`,
    (xs) => groupedOracle(xs, n).map(hash),
    <F extends HKT>(s: FlowOps<number, F>) => ops<number[], F>(s.grouped(n)).map(hash),
  ),
);

export const slidingOpArb = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })).map(([n, step]) =>
  op(
    `sliding(${n}, ${step}).map(hash)`,
    (xs) => slidingOracle(xs, n, step).map(hash),
    <F extends HKT>(s: FlowOps<number, F>) => ops<number[], F>(s.sliding(n, step)).map(hash),
  ),
);

export const intersperseOpArb = fc.oneof(
  fc.integer({ min: -3, max: 3 }).map((i) =>
    op(
      `intersperse(${i})`,
      (xs) => intersperseOracle(xs, i),
      (s) => s.intersperse(i),
    ),
  ),
  fc.tuple(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -3, max: 3 }), fc.integer({ min: -3, max: 3 })).map(([a, i, b]) =>
    op(
      `intersperse(${a}, ${i}, ${b})`,
      (xs) => intersperse3Oracle(xs, a, i, b),
      (s) => s.intersperse(a, i, b),
    ),
  ),
);

/** The stateless operators that fuse into a preceding sync source or fusable operator. */
export const fusableOpArb: fc.Arbitrary<NumOp> = fc.oneof(mapOpArb, filterOpArb, filterNotOpArb, collectOpArb);

/** Operators whose output prefix is determined by their input prefix, one element at a time. */
export const elementwiseOpArb: fc.Arbitrary<NumOp> = fc.oneof(mapOpArb, filterOpArb, filterNotOpArb, collectOpArb, zipWithIndexOpArb);

/**
 * Every operator of the model, weighted so that pipelines stay long enough to be interesting
 * (fold/reduce/take/takeWhile collapse a stream; map, mapConcat, intersperse keep or grow it).
 */
export const anyOpArb: fc.Arbitrary<NumOp> = fc.oneof(
  { arbitrary: mapOpArb, weight: 3 },
  { arbitrary: filterOpArb, weight: 2 },
  { arbitrary: filterNotOpArb, weight: 2 },
  { arbitrary: collectOpArb, weight: 2 },
  { arbitrary: zipWithIndexOpArb, weight: 2 },
  { arbitrary: mapConcatOpArb, weight: 3 },
  { arbitrary: statefulMapOpArb, weight: 2 },
  { arbitrary: scanOpArb, weight: 2 },
  { arbitrary: foldOpArb, weight: 1 },
  { arbitrary: reduceOpArb, weight: 1 },
  { arbitrary: takeOpArb, weight: 1 },
  { arbitrary: dropOpArb, weight: 1 },
  { arbitrary: takeWhileOpArb, weight: 1 },
  { arbitrary: dropWhileOpArb, weight: 1 },
  { arbitrary: groupedOpArb, weight: 2 },
  { arbitrary: slidingOpArb, weight: 2 },
  { arbitrary: intersperseOpArb, weight: 3 },
);

/** A pass-through spy as a pipeline operator (identity oracle). */
export function spyOp(s: Spy<number>): NumOp {
  // Source and Flow both have `via`; FlowOps does not declare it.
  const viaSpy = <F extends HKT>(st: FlowOps<number, F>): Kind<F, number> => (st as unknown as { via(f: Flow<number, number>): Kind<F, number> }).via(s.flow);
  return op('spy', (xs) => [...xs], viaSpy, true);
}

// ───────────────────────────── pipelines ─────────────────────────────

/** Consecutive operators placed together: directly on the source, in a Flow, or in an async Flow. */
export interface Segment {
  readonly ops: readonly NumOp[];
  readonly placement: Placement;
}

export type Pipeline = readonly Segment[];

export function segmentsArb(opArb: fc.Arbitrary<NumOp>, maxSegments = 4, maxOpsPerSegment = 3): fc.Arbitrary<Segment[]> {
  return fc.array(
    fc
      .record({ ops: fc.array(opArb, { minLength: 1, maxLength: maxOpsPerSegment }), placement: placementArb })
      .map((s) => labelled(s, `${s.placement.toString()}[${s.ops.map((o) => o.label).join(' → ')}]`)),
    { maxLength: maxSegments },
  );
}

export function pipelineOracle(pipeline: Pipeline, xs: readonly number[]): number[] {
  let ys = [...xs];
  for (const seg of pipeline) for (const o of seg.ops) ys = o.oracle(ys);
  return ys;
}

function chain(list: readonly NumOp[]): StageFn<number, number> {
  return <F extends HKT>(s: FlowOps<number, F>): Kind<F, number> => {
    let cur = s as unknown as Kind<F, number>;
    for (const o of list) cur = o.stage(ops<number, F>(cur));
    return cur;
  };
}

export function buildPipeline<M>(src: Source<number, M>, pipeline: Pipeline): Source<number, M> {
  let cur = src;
  for (const seg of pipeline) {
    cur = seg.placement.mode === 'direct' ? chain(seg.ops)<SourceF<M>>(cur) : cur.via(segment(seg.placement, chain(seg.ops)));
  }
  return cur;
}

/** Inserts `item` as its own `direct` segment before segment `at` (at = pipeline.length appends). */
export function insertAt(pipeline: Pipeline, at: number, item: NumOp): Segment[] {
  const i = Math.max(0, Math.min(at, pipeline.length));
  const placement: Placement = labelled({ mode: 'direct' }, 'direct');
  return [...pipeline.slice(0, i), labelled({ ops: [item], placement }, `direct[${item.label}]`), ...pipeline.slice(i)];
}
