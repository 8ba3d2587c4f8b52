/**
 * The round-two operators against array oracles, under random inputs, placements (fused on the source,
 * in a Flow, behind an async boundary), sink placement, demand schedules and interpreter chunking, with
 * the harness invariants (demand never exceeded, one terminal signal, all islands stopped, a spy that saw
 * no protocol violation). Operators without an exact oracle are checked against the laws they promise.
 */

import { Attributes, Flow, GraphDSL, MergeSequence, Source, SourceShape } from '@tributary/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bufferArb,
  checkSpy,
  describeTerminal,
  type Input,
  type InterpreterSettings,
  inputArb,
  interpreterSettingsArb,
  ops,
  type Placement,
  PROPERTY_TIMEOUT,
  place,
  placementArb,
  RUNS,
  runUnderDemand,
  type StageFn,
  scheduleArb,
  sinkPlacementArb,
  spy,
  xsArb,
} from './harness.js';
import { predArb } from './ops.js';
import { mod } from './oracles.js';
import { groupedAdjacentByOracle, groupedWeightedOracle, sumBoundaryOracle, takeUntilOracle } from './roundTwoOracles.js';

interface Env {
  readonly input: Input;
  readonly placement: Placement;
  readonly schedule: number[];
  readonly sinkBuffer: number | undefined;
  readonly settings: InterpreterSettings;
}
const envArb: fc.Arbitrary<Env> = fc.record({
  input: inputArb,
  placement: placementArb,
  schedule: scheduleArb,
  sinkBuffer: sinkPlacementArb,
  settings: interpreterSettingsArb,
});

/** Runs `input → op (placed) → spy → probe` under the demand schedule; returns the elements (the stream must complete). */
async function runPlaced<T>(env: Env, f: StageFn<number, T>): Promise<T[]> {
  const s = spy<T>();
  const out = await runUnderDemand(place(env.input.source(), env.placement, f).via(s.flow), env.schedule, {
    asyncSinkBuffer: env.sinkBuffer,
    settings: env.settings,
  });
  expect(describeTerminal(out.terminal)).toBe('complete');
  checkSpy(s.stats);
  expect(s.stats.downstreamPushes).toBe(out.elements.length);
  return out.elements;
}

const costArb = fc.constantFrom<[string, (x: number) => number]>(['|x|', (x) => Math.abs(x)], ['1', () => 1], ['|x| mod 3', (x) => mod(x, 3)]);

/** A promise settled after 0..2 macrotask turns, so that calls settle in a scrambled order. */
function later<T>(value: T, ticks: number): Promise<T> {
  if (ticks === 0) return Promise.resolve(value);
  return new Promise<T>((resolve) => {
    let left = ticks;
    const step = () => (--left <= 0 ? resolve(value) : setImmediate(step));
    setImmediate(step);
  });
}

describe('round-two operators equal their array oracles', () => {
  it('oracles reproduce the documented examples', () => {
    expect(takeUntilOracle(['a', 'b', 'END', 'c'], (s) => s === 'END')).toEqual(['a', 'b', 'END']);
    expect(groupedWeightedOracle(['ab', 'c', 'def', 'g'], 3, (s) => s.length)).toEqual([['ab', 'c'], ['def'], ['g']]);
    expect(groupedAdjacentByOracle([1, 1, 2, 2, 2, 1], (x) => x)).toEqual([[1, 1], [2, 2, 2], [1]]);
    expect(groupedAdjacentByOracle(['a', 'a', 'a', 'b'], (s) => s, 2)).toEqual([['a', 'a'], ['a'], ['b']]);
    expect(
      groupedAdjacentByOracle(
        [1, 9, 1, 1],
        () => 0,
        3,
        (x) => x,
      ),
    ).toEqual([[1], [9], [1, 1]]);
  });

  it(
    'takeUntil(p) ≈ the prefix up to and including the first element where p holds',
    () =>
      fc.assert(
        fc.asyncProperty(envArb, predArb, async (env, { p }) => {
          expect(await runPlaced(env, (s) => s.takeUntil(p))).toEqual(takeUntilOracle(env.input.xs, p));
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'groupedWeighted(min, cost) ≈ groups closed when their cost reaches min',
    () =>
      fc.assert(
        fc.asyncProperty(envArb, fc.integer({ min: 1, max: 25 }), costArb, async (env, min, [, cost]) => {
          expect(await runPlaced(env, (s) => s.groupedWeighted(min, cost))).toEqual(groupedWeightedOracle(env.input.xs, min, cost));
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'groupedAdjacentBy(key) ≈ runs of equal keys; flattening the groups gives the input back',
    () =>
      fc.assert(
        fc.asyncProperty(envArb, fc.integer({ min: 1, max: 4 }), async (env, m) => {
          const key = (x: number) => mod(x, m);
          const groups = await runPlaced(env, (s) => s.groupedAdjacentBy(key));
          expect(groups).toEqual(groupedAdjacentByOracle(env.input.xs, key));
          expect(groups.flat()).toEqual(env.input.xs);
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'groupedAdjacentByWeighted(key, max, cost) ≈ runs of equal keys, cut before exceeding max',
    () =>
      fc.assert(
        fc.asyncProperty(envArb, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 20 }), costArb, async (env, m, max, [, cost]) => {
          const key = (x: number) => mod(x, m);
          expect(await runPlaced(env, (s) => s.groupedAdjacentByWeighted(key, max, cost))).toEqual(groupedAdjacentByOracle(env.input.xs, key, max, cost));
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'statefulMapConcat(create) ≈ flatMap with a fresh state per run (running count of each value, repeated that often mod 3)',
    () =>
      fc.assert(
        fc.asyncProperty(envArb, async (env) => {
          const create = () => {
            const seen = new Map<number, number>();
            return (x: number) => {
              const n = (seen.get(x) ?? 0) + 1;
              seen.set(x, n);
              return Array.from({ length: n % 3 }, (_, i) => x * 10 + i);
            };
          };
          const oracle = env.input.xs.flatMap(create());
          expect(await runPlaced(env, (s) => s.statefulMapConcat(create))).toEqual(oracle);
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'aggregateWithBoundary (no timer) ≈ groups closed when their |sum| reaches the limit, harvested',
    () =>
      fc.assert(
        fc.asyncProperty(envArb, fc.integer({ min: 1, max: 30 }), async (env, limit) => {
          const out = await runPlaced(env, (s) =>
            s.aggregateWithBoundary(
              () => ({ xs: [] as number[], w: 0 }),
              (agg, x) => {
                agg.xs.push(x);
                agg.w += Math.abs(x);
                return [agg, agg.w >= limit];
              },
              (agg) => agg.xs,
            ),
          );
          expect(out).toEqual(sumBoundaryOracle(env.input.xs, limit));
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'mapAsyncPartitionedUnordered: the same results as map, each partition in input order, whatever order calls settle in',
    () =>
      fc.assert(
        fc.asyncProperty(envArb, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 }), async (env, parallelism, m) => {
          const part = (x: number) => mod(x, m);
          const out = await runPlaced<readonly [number, number]>(env, (s) =>
            ops(s.zipWithIndex()).mapAsyncPartitionedUnordered(
              parallelism,
              ([x]) => part(x),
              ([x, i]) => later([x * 2, i] as const, mod(x * 7 + i, 3)),
            ),
          );
          expect([...out].sort((a, b) => a[1] - b[1])).toEqual(env.input.xs.map((x, i) => [x * 2, i]));
          for (let p = 0; p < m; p++) {
            const indices = out.filter(([y]) => part(y / 2) === p).map(([, i]) => i);
            expect(indices).toEqual([...indices].sort((a, b) => a - b));
          }
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'Flow.lazyFlow(() => flow) ≈ flow, also across an async boundary',
    () =>
      fc.assert(
        fc.asyncProperty(envArb, fc.integer({ min: -3, max: 3 }), fc.option(bufferArb, { nil: undefined }), async (env, a, buffer) => {
          const lazy = Flow.lazyFlow(() =>
            Flow.create<number>()
              .map((x) => a * x)
              .filter((x) => x % 2 === 0),
          );
          const flow = buffer === undefined ? lazy : lazy.async().withAttributes(Attributes.inputBuffer(buffer, buffer));
          const s = spy<number>();
          const out = await runUnderDemand(env.input.source().via(flow).via(s.flow), env.schedule, { asyncSinkBuffer: env.sinkBuffer, settings: env.settings });
          expect(describeTerminal(out.terminal)).toBe('complete');
          expect(out.elements).toEqual(env.input.xs.map((x) => a * x).filter((x) => x % 2 === 0));
          checkSpy(s.stats);
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'MergeSequence: any split of 0..n-1 into increasing inputs (with async boundaries) comes out as 0..n-1',
    () =>
      fc.assert(
        fc.asyncProperty(
          xsArb,
          fc.integer({ min: 1, max: 4 }),
          fc.array(fc.option(bufferArb, { nil: undefined }), { minLength: 4, maxLength: 4 }),
          scheduleArb,
          interpreterSettingsArb,
          async (xs, inputs, buffers, schedule, settings) => {
            // Element i goes to input mod(xs[i], inputs): each input gets an increasing subsequence.
            const parts = Array.from({ length: inputs }, (_, k) => xs.map((x, i) => [x, i] as const).filter(([x]) => mod(x, inputs) === k));
            const merged = Source.fromGraph(
              GraphDSL.create((b) => {
                const m = b.add(MergeSequence.create<readonly [number, number]>(inputs, ([, i]) => i));
                parts.forEach((part, k) => {
                  const buffer = buffers[k];
                  const src = Source.from(part);
                  b.from(buffer === undefined ? src : src.async().withAttributes(Attributes.inputBuffer(buffer, buffer))).to(m.in(k));
                });
                return new SourceShape(m.out);
              }),
            );
            const out = await runUnderDemand(merged, schedule, { settings });
            expect(describeTerminal(out.terminal)).toBe('complete');
            expect(out.elements).toEqual(xs.map((x, i) => [x, i]));
          },
        ),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );
});
