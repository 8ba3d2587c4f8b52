/**
 * Each operator against its array oracle, for random inputs (arrays, iterables, ranges, chunked inputs,
 * an async source), random placements (fused directly on the source, in a Flow, behind an async
 * boundary with a random input buffer), a random placement of the sink, and a random demand schedule
 * (batches of 1..5, sometimes unbounded, until termination). Every run also checks the harness
 * invariants: demand never exceeded, one terminal signal, all islands stopped, and a spy between the
 * operator and the sink that started and stopped exactly once without protocol violations.
 */

import { NoSuchElementError, type NotUsed, Source } from '@tributary/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkSpy,
  describeTerminal,
  type Input,
  type InterpreterSettings,
  inputArb,
  interpreterSettingsArb,
  labelled,
  type Placement,
  PROPERTY_TIMEOUT,
  place,
  placementArb,
  RUNS,
  runs,
  runUnderDemand,
  type StageFn,
  scheduleArb,
  sinkPlacementArb,
  spy,
} from './harness.js';
import { predArb } from './ops.js';
import {
  collectOracle,
  dropWhileOracle,
  foldOracle,
  groupedOracle,
  intersperse3Oracle,
  intersperseOracle,
  mod,
  rangeOracle,
  reduceOracle,
  scanOracle,
  slidingOracle,
  statefulMapOracle,
  takeWhileOracle,
  zipWithIndexOracle,
} from './oracles.js';

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

/** Runs `input → op (placed) → spy → probe` under the demand schedule; checks elements and termination against `expected`. */
async function checkAgainstOracle<T>(env: Env, f: StageFn<number, T>, expected: T[] | 'fails', isExpectedError?: (e: unknown) => boolean): Promise<void> {
  const s = spy<T>();
  const src = place(env.input.source(), env.placement, f).via(s.flow);
  const out = await runUnderDemand(src, env.schedule, { asyncSinkBuffer: env.sinkBuffer, settings: env.settings });
  if (expected === 'fails') {
    expect(out.terminal.kind, `expected a failure, got ${describeTerminal(out.terminal)}`).toBe('error');
    expect(out.elements).toEqual([]);
    if (out.terminal.kind === 'error' && isExpectedError !== undefined) expect(isExpectedError(out.terminal.error), describeTerminal(out.terminal)).toBe(true);
  } else {
    expect(describeTerminal(out.terminal)).toBe('complete');
    expect(out.elements).toEqual(expected);
  }
  checkSpy(s.stats);
  expect(s.stats.downstreamPushes).toBe(out.elements.length);
}

const affineArb = fc.tuple(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -5, max: 5 }));

describe('operators equal their array oracles under random demand, placement and input', () => {
  it('oracles reproduce the documented examples', () => {
    expect(scanOracle(rangeOracle(1, 4), 0, (a, x) => a + x)).toEqual([0, 1, 3, 6, 10]);
    expect(groupedOracle(rangeOracle(1, 5), 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(slidingOracle(rangeOracle(1, 4), 2, 1)).toEqual([
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
    expect(slidingOracle(rangeOracle(1, 4), 2, 3)).toEqual([[1, 2], [4]]);
    expect(slidingOracle(rangeOracle(1, 5), 3, 2)).toEqual([
      [1, 2, 3],
      [3, 4, 5],
    ]);
    expect(slidingOracle(rangeOracle(1, 6), 3, 2)).toEqual([
      [1, 2, 3],
      [3, 4, 5],
      [5, 6],
    ]);
    expect(slidingOracle([1], 3, 1)).toEqual([[1]]);
    expect(intersperse3Oracle(['a', 'b'], '[', ',', ']')).toEqual(['[', 'a', ',', 'b', ']']);
    expect(intersperse3Oracle([], '[', ',', ']')).toEqual(['[', ']']);
    expect(collectOracle(['1', 'x', '3'], (s) => (/^\d+$/.test(s) ? Number(s) : undefined))).toEqual([1, 3]);
    expect(
      statefulMapOracle(
        [1, 2, 3],
        () => 0,
        (sum, x) => [sum + x, sum + x],
        () => undefined,
      ),
    ).toEqual([1, 3, 6]);
  });

  it(
    'map(f) ≈ Array.map(f)',
    () =>
      fc.assert(
        fc.asyncProperty(envArb, affineArb, async (env, [a, b]) => {
          const f = (x: number) => a * x + b;
          await checkAgainstOracle(env, (s) => s.map(f), env.input.xs.map(f));
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'map may change the element type: map(x => {x}) ≈ Array.map, elements passed by identity',
    () =>
      fc.assert(
        fc.asyncProperty(envArb, async (env) => {
          const boxes = new Map<number, { x: number }>();
          const box = (x: number) => {
            let b = boxes.get(x);
            if (b === undefined) boxes.set(x, (b = { x }));
            return b;
          };
          const s = spy<{ x: number }>();
          const out = await runUnderDemand(
            place<number, { x: number }, NotUsed>(env.input.source(), env.placement, (st) => st.map(box)).via(s.flow),
            env.schedule,
            { asyncSinkBuffer: env.sinkBuffer, settings: env.settings },
          );
          expect(describeTerminal(out.terminal)).toBe('complete');
          const expected = env.input.xs.map(box);
          expect(out.elements.length).toBe(expected.length);
          out.elements.forEach((e, i) => expect(e).toBe(expected[i]));
          checkSpy(s.stats);
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'filter(p) ≈ Array.filter(p)',
    () =>
      fc.assert(
        fc.asyncProperty(envArb, predArb, async (env, { p }) => {
          await checkAgainstOracle(env, (s) => s.filter(p), env.input.xs.filter(p));
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'filterNot(p) ≈ Array.filter(x => !p(x))',
    () =>
      fc.assert(
        fc.asyncProperty(envArb, predArb, async (env, { p }) => {
          await checkAgainstOracle(
            env,
            (s) => s.filterNot(p),
            env.input.xs.filter((x) => !p(x)),
          );
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'collect(pf) ≈ Array.map(pf).filter(y => y !== undefined)',
    () =>
      fc.assert(
        fc.asyncProperty(envArb, predArb, affineArb, async (env, { p }, [a, b]) => {
          const pf = (x: number) => (p(x) ? a * x + b : undefined);
          await checkAgainstOracle(env, (s) => s.collect(pf), collectOracle(env.input.xs, pf));
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'mapConcat(f) ≈ Array.flatMap(f), for arrays, Sets and generators of any length (including empty)',
    () =>
      fc.assert(
        fc.asyncProperty(envArb, fc.integer({ min: 0, max: 3 }), fc.constantFrom('array', 'generator', 'set'), async (env, c, kind) => {
          const items = (x: number) => Array.from({ length: mod(x, c + 1) }, (_, i) => x * 10 + i);
          const f = (x: number): Iterable<number> => {
            const a = items(x);
            if (kind === 'array') return a;
            if (kind === 'set') return new Set(a);
            return (function* () {
              yield* a;
            })();
          };
          await checkAgainstOracle(env, (s) => s.mapConcat(f), env.input.xs.flatMap(items));
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'scan(zero, f) ≈ [zero, ...every prefix fold]',
    () =>
      fc.assert(
        fc.asyncProperty(envArb, fc.integer({ min: -5, max: 5 }), async (env, zero) => {
          const f = (acc: number, x: number) => (acc * 2 + x) % 1009;
          await checkAgainstOracle(env, (s) => s.scan(zero, f), scanOracle(env.input.xs, zero, f));
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'fold(zero, f) ≈ [Array.reduce(f, zero)]',
    () =>
      fc.assert(
        fc.asyncProperty(envArb, fc.integer({ min: -5, max: 5 }), async (env, zero) => {
          const f = (acc: number, x: number) => (acc * 3 + x) % 10007;
          await checkAgainstOracle(env, (s) => s.fold(zero, f), foldOracle(env.input.xs, zero, f));
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  const emptyInputArb: fc.Arbitrary<Input> = fc
    .constantFrom<[string, () => Source<number>]>(
      ['Source.from([])', () => Source.from<number>([])],
      ['Source.empty()', () => Source.empty<number>()],
      ['Source.range(1, 0)', () => Source.range(1, 0)],
      ['Source.from([1, 2]).filter(() => false)', () => Source.from([1, 2]).filter(() => false)],
    )
    .map(([label, source]) => labelled({ xs: [] as number[], source }, label));

  it(
    'reduce(f) ≈ [Array.reduce(f)]; on an empty stream it fails with NoSuchElementError',
    () =>
      fc.assert(
        fc.asyncProperty(
          fc.oneof(
            { arbitrary: envArb, weight: 3 },
            {
              arbitrary: fc.record({
                input: emptyInputArb,
                placement: placementArb,
                schedule: scheduleArb,
                sinkBuffer: sinkPlacementArb,
                settings: interpreterSettingsArb,
              }),
              weight: 1,
            },
          ),
          async (env) => {
            const f = (acc: number, x: number) => (acc * 2 - x) % 10007;
            await checkAgainstOracle(
              env,
              (s) => s.reduce(f),
              reduceOracle(env.input.xs, f),
              (e) => e instanceof NoSuchElementError,
            );
          },
        ),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'take(n) ≈ Array.slice(0, n)',
    () =>
      fc.assert(
        fc.asyncProperty(envArb, fc.integer({ min: 0, max: 60 }), async (env, n) => {
          await checkAgainstOracle(env, (s) => s.take(n), env.input.xs.slice(0, n));
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'drop(n) ≈ Array.slice(n)',
    () =>
      fc.assert(
        fc.asyncProperty(envArb, fc.integer({ min: 0, max: 60 }), async (env, n) => {
          await checkAgainstOracle(env, (s) => s.drop(n), env.input.xs.slice(n));
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'takeWhile(p, inclusive) ≈ the longest prefix where p holds (plus the first failing element when inclusive)',
    () =>
      fc.assert(
        fc.asyncProperty(envArb, predArb, fc.boolean(), async (env, { p }, inclusive) => {
          await checkAgainstOracle(env, (s) => s.takeWhile(p, inclusive), takeWhileOracle(env.input.xs, p, inclusive));
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'dropWhile(p) ≈ the input from the first element where p fails',
    () =>
      fc.assert(
        fc.asyncProperty(envArb, predArb, async (env, { p }) => {
          await checkAgainstOracle(env, (s) => s.dropWhile(p), dropWhileOracle(env.input.xs, p));
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'grouped(n) ≈ chunks of n (the last may be shorter)',
    () =>
      fc.assert(
        fc.asyncProperty(envArb, fc.integer({ min: 1, max: 8 }), async (env, n) => {
          await checkAgainstOracle(env, (s) => s.grouped(n), groupedOracle(env.input.xs, n));
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'sliding(n, step) ≈ windows at 0, step, 2·step…, plus a shorter last window only if it holds unseen elements',
    () =>
      fc.assert(
        fc.asyncProperty(envArb, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), async (env, n, step) => {
          await checkAgainstOracle(env, (s) => s.sliding(n, step), slidingOracle(env.input.xs, n, step));
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'zipWithIndex() ≈ Array.map((x, i) => [x, i])',
    () =>
      fc.assert(
        fc.asyncProperty(envArb, async (env) => {
          await checkAgainstOracle(env, (s) => s.zipWithIndex(), zipWithIndexOracle(env.input.xs));
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'intersperse(inject) ≈ inject between elements',
    () =>
      fc.assert(
        fc.asyncProperty(envArb, fc.integer({ min: 100, max: 110 }), async (env, inject) => {
          await checkAgainstOracle(env, (s) => s.intersperse(inject), intersperseOracle(env.input.xs, inject));
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'intersperse(start, inject, end) ≈ [start, …elements separated by inject…, end], start and end even for an empty stream',
    () =>
      fc.assert(
        fc.asyncProperty(
          envArb,
          fc.integer({ min: 100, max: 110 }),
          fc.integer({ min: 200, max: 210 }),
          fc.integer({ min: 300, max: 310 }),
          async (env, start, inject, end) => {
            await checkAgainstOracle(env, (s) => s.intersperse(start, inject, end), intersperse3Oracle(env.input.xs, start, inject, end));
          },
        ),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'statefulMap(create, f, onComplete) ≈ a running-state map plus the optional final element',
    () =>
      fc.assert(
        fc.asyncProperty(envArb, fc.boolean(), async (env, emitLast) => {
          const create = () => ({ count: 0, sum: 0 });
          const f = (st: { count: number; sum: number }, x: number) => [{ count: st.count + 1, sum: st.sum + x }, st.sum * 100 + st.count] as const;
          const onComplete = (st: { count: number; sum: number }) => (emitLast ? -st.count : undefined);
          await checkAgainstOracle(env, (s) => s.statefulMap(create, f, onComplete), statefulMapOracle(env.input.xs, create, f, onComplete));
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'statefulMap state is created afresh per materialization: the same blueprint run twice gives the same result',
    () =>
      fc.assert(
        fc.asyncProperty(envArb, async (env) => {
          const f = (sum: number, x: number) => [sum + x, sum + x] as const;
          const blueprint = place(env.input.source(), env.placement, (s) => s.statefulMap(() => 0, f));
          const expected = statefulMapOracle(
            env.input.xs,
            () => 0,
            f,
            () => undefined,
          );
          for (let run = 0; run < 2; run++) {
            const out = await runUnderDemand(blueprint, env.schedule, { asyncSinkBuffer: env.sinkBuffer, settings: env.settings });
            expect(describeTerminal(out.terminal)).toBe('complete');
            expect(out.elements).toEqual(expected);
          }
        }),
        { numRuns: runs(50) },
      ),
    PROPERTY_TIMEOUT,
  );
});
