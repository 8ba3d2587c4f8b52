/**
 * Context propagation against an oracle on arrays of pairs. Each element of a random input is given
 * its index as context; a random chain of context operators — each placed directly on the
 * `SourceWithContext`, inside a `FlowWithContext` segment, or inside an async segment — is drained
 * under random demand. Laws checked:
 * - the output pairs equal the oracle: the same operators applied to the array of `[x, index]` pairs;
 * - contexts are never reordered: the output contexts are non-decreasing input indices (the operators
 *   here keep an index as context, `grouped` by keeping the first of its group);
 * - the harness invariants: demand never exceeded, one terminal signal, every island stopped.
 * The asynchronous operators settle their calls in a random order, after random delays.
 */

import { Attributes, Flow, FlowWithContext, Source, SourceWithContext } from '@tributary/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BufferSize,
  bufferArb,
  describeTerminal,
  interpreterSettingsArb,
  labelled,
  PROPERTY_TIMEOUT,
  RUNS,
  runUnderDemand,
  scheduleArb,
  sinkPlacementArb,
  xsArb,
} from './harness.js';
import { type Pred, predArb } from './ops.js';
import { groupedOracle, mod } from './oracles.js';

type Pair = [number, number];
type Swc = SourceWithContext<number, number, unknown>;
type Fwc = FlowWithContext<number, number, number, number, unknown>;

/** An operator on a stream with context, with its oracle on pairs. Written once for sources and flows. */
interface CtxOp {
  readonly label: string;
  readonly oracle: (ps: readonly Pair[]) => Pair[];
  readonly onSource: (s: Swc) => Swc;
  readonly onFlow: (f: Fwc) => Fwc;
}

function ctxOp(label: string, oracle: (ps: readonly Pair[]) => Pair[], apply: <S extends Swc | Fwc>(s: S) => S): CtxOp {
  return labelled({ label, oracle, onSource: apply, onFlow: apply }, label);
}

/** A promise settled after `ticks` macrotask turns (0: already resolved), so calls settle out of order. */
function later<T>(value: T, ticks: number): Promise<T> {
  if (ticks === 0) return Promise.resolve(value);
  return new Promise<T>((resolve) => {
    let left = ticks;
    const step = () => (--left <= 0 ? resolve(value) : setImmediate(step));
    setImmediate(step);
  });
}

const affineArb = fc.tuple(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -5, max: 5 }));

const ctxOpArb: fc.Arbitrary<CtxOp> = fc.oneof(
  affineArb.map(([a, b]) =>
    ctxOp(
      `map(x => ${a}*x + ${b})`,
      (ps) => ps.map(([x, c]) => [a * x + b, c]),
      (s) => s.map((x) => a * x + b) as never,
    ),
  ),
  predArb.map(({ p, label }: Pred) =>
    ctxOp(
      `filter(${label})`,
      (ps) => ps.filter(([x]) => p(x)),
      (s) => s.filter(p) as never,
    ),
  ),
  predArb.map(({ p, label }: Pred) =>
    ctxOp(
      `filterNot(${label})`,
      (ps) => ps.filter(([x]) => !p(x)),
      (s) => s.filterNot(p) as never,
    ),
  ),
  fc.tuple(predArb, fc.integer({ min: -5, max: 5 })).map(([{ p, label }, b]) =>
    ctxOp(
      `collect(x => ${label} ? x + ${b} : undefined)`,
      (ps) => ps.filter(([x]) => p(x)).map(([x, c]) => [x + b, c]),
      (s) => s.collect((x) => (p(x) ? x + b : undefined)) as never,
    ),
  ),
  fc.integer({ min: 0, max: 3 }).map((k) => {
    const copies = (x: number) => Array.from({ length: mod(x, k + 1) }, (_, i) => x * 10 + i);
    return ctxOp(
      `mapConcat(x => ${k === 0 ? '[]' : `copies(x mod ${k + 1})`})`,
      (ps) => ps.flatMap(([x, c]) => copies(x).map((y): Pair => [y, c])),
      (s) => s.mapConcat(copies) as never,
    );
  }),
  fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 3 })).map(([parallelism, maxTicks]) =>
    ctxOp(
      `mapAsync(${parallelism}, x => later(x * 2, ≤${maxTicks} ticks))`,
      (ps) => ps.map(([x, c]) => [x * 2, c]),
      (s) => s.mapAsync(parallelism, (x) => later(x * 2, mod(x * 7, maxTicks + 1))) as never,
    ),
  ),
  fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 })).map(([parallelism, m]) =>
    ctxOp(
      `mapAsyncPartitioned(${parallelism}, x => x mod ${m}, x => later(x - 1))`,
      (ps) => ps.map(([x, c]) => [x - 1, c]),
      (s) =>
        s.mapAsyncPartitioned(
          parallelism,
          (x) => mod(x, m),
          (x) => later(x - 1, mod(x, 3)),
        ) as never,
    ),
  ),
  fc.integer({ min: 1, max: 4 }).map((n) =>
    ctxOp(
      `grouped(${n}).map(sum).mapContext(first)`,
      (ps) => groupedOracle(ps, n).map((g): Pair => [g.reduce((a, [x]) => a + x, 0), g[0]![1]]),
      (s) =>
        (s as Swc)
          .grouped(n)
          .map((xs) => xs.reduce((a, x) => a + x, 0))
          .mapContext((cs) => cs[0]!) as never,
    ),
  ),
  affineArb.map(([a, b]) =>
    ctxOp(
      `unsafeDataVia(Flow.map(x => ${a}*x + ${b}))`,
      (ps) => ps.map(([x, c]) => [a * x + b, c]),
      (s) => s.unsafeDataVia(Flow.create<number>().map((x) => a * x + b)) as never,
    ),
  ),
);

/** Where a run of operators goes: directly on the source, in a FlowWithContext, or in an async one. */
type Placement = { readonly mode: 'direct' } | { readonly mode: 'flow' } | { readonly mode: 'async'; readonly buffer: BufferSize };
const placementArb: fc.Arbitrary<Placement> = fc.oneof(
  fc.constant(null).map((): Placement => labelled({ mode: 'direct' }, 'direct')),
  fc.constant(null).map((): Placement => labelled({ mode: 'flow' }, 'FlowWithContext')),
  bufferArb.map((buffer): Placement => labelled({ mode: 'async', buffer }, `async FlowWithContext(inputBuffer ${buffer})`)),
);

interface Segment {
  readonly placement: Placement;
  readonly ops: readonly CtxOp[];
}
const segmentArb: fc.Arbitrary<Segment> = fc.record({ placement: placementArb, ops: fc.array(ctxOpArb, { minLength: 1, maxLength: 3 }) });

function build(xs: readonly number[], asyncInput: boolean, segments: readonly Segment[]): Swc {
  const input = Source.from(xs.map((x, i): Pair => [x, i]));
  let s: Swc = SourceWithContext.fromTuples(asyncInput ? input.async() : input);
  for (const seg of segments) {
    if (seg.placement.mode === 'direct') {
      for (const op of seg.ops) s = op.onSource(s);
      continue;
    }
    let f: Fwc = FlowWithContext.create<number, number>();
    for (const op of seg.ops) f = op.onFlow(f);
    if (seg.placement.mode === 'async') f = f.async().withAttributes(Attributes.inputBuffer(seg.placement.buffer, seg.placement.buffer));
    s = s.via(f);
  }
  return s;
}

describe('context propagation equals the oracle on pairs', () => {
  it(
    'random chains of context operators: outputs equal the oracle, contexts stay in order',
    () =>
      fc.assert(
        fc.asyncProperty(
          xsArb,
          fc.boolean(),
          fc.array(segmentArb, { minLength: 1, maxLength: 3 }),
          scheduleArb,
          sinkPlacementArb,
          interpreterSettingsArb,
          async (xs, asyncInput, segments, schedule, sinkBuffer, settings) => {
            const expected = segments
              .flatMap((s) => s.ops)
              .reduce<Pair[]>(
                (ps, op) => op.oracle(ps),
                xs.map((x, i): Pair => [x, i]),
              );
            const out = await runUnderDemand(build(xs, asyncInput, segments).asSource(), schedule, { asyncSinkBuffer: sinkBuffer, settings });
            expect(describeTerminal(out.terminal)).toBe('complete');
            expect(out.elements).toEqual(expected);
            const contexts = out.elements.map(([, c]) => c);
            for (let i = 1; i < contexts.length; i++)
              expect(contexts[i]!, `context ${contexts[i]} after ${contexts[i - 1]}`).toBeGreaterThanOrEqual(contexts[i - 1]!);
          },
        ),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'asSourceWithContext(f) ≈ pairs [x, f(x)]; mapContext(g) ≈ pairs [x, g(c)]',
    () =>
      fc.assert(
        fc.asyncProperty(xsArb, affineArb, scheduleArb, async (xs, [a, b], schedule) => {
          const s = Source.from(xs)
            .asSourceWithContext((x) => a * x + b)
            .mapContext((c) => c - b);
          const out = await runUnderDemand(s.asSource(), schedule);
          expect(describeTerminal(out.terminal)).toBe('complete');
          expect(out.elements).toEqual(xs.map((x) => [x, a * x + b - b]));
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );
});
