/**
 * Laws of the graph area, under random inputs (arrays, iterables, ranges, chunked, async), random
 * async boundaries, random demand schedules and random interpreter chunking. Every run also checks the
 * harness invariants (demand never exceeded, one terminal signal, every island stopped).
 *
 * - merge / mergeAll: the output is a permutation of the inputs that keeps each input's order;
 * - zip: equals the array zip truncated to the shorter input;
 * - groupBy + mergeSubstreams: every element exactly once, each key's elements in upstream order;
 * - flatMapConcat: equals Array.flatMap; flatMapMerge: the same multiset, each inner order kept;
 * - concat / interleave / splitWhen / splitAfter: equal their array oracles.
 */

import { Flow, Source } from '@tributary/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeTerminal,
  type Input,
  type InterpreterSettings,
  inputArb,
  interpreterSettingsArb,
  PROPERTY_TIMEOUT,
  RUNS,
  runUnderDemand,
  scheduleArb,
  sinkPlacementArb,
} from './harness.js';

interface Env {
  readonly schedule: number[];
  readonly sinkBuffer: number | undefined;
  readonly settings: InterpreterSettings;
}
const envArb: fc.Arbitrary<Env> = fc.record({ schedule: scheduleArb, sinkBuffer: sinkPlacementArb, settings: interpreterSettingsArb });

async function run<T>(source: Source<T, unknown>, env: Env): Promise<T[]> {
  const out = await runUnderDemand(source, env.schedule, { asyncSinkBuffer: env.sinkBuffer, settings: env.settings });
  expect(describeTerminal(out.terminal)).toBe('complete');
  return out.elements;
}

/** Tags each element of input `i` with its origin and position. */
const tagged = (input: Input, i: number): Source<[number, number]> =>
  input
    .source()
    .zipWithIndex()
    .map(([, k]) => [i, k] as [number, number]);

/** `out` is a permutation of the inputs' tagged elements that keeps each input's order. */
function expectOrderPreservingPermutation(out: readonly [number, number][], lengths: readonly number[]): void {
  expect(out.length).toBe(lengths.reduce((a, n) => a + n, 0));
  lengths.forEach((n, i) => {
    expect(out.filter(([src]) => src === i).map(([, k]) => k)).toEqual(Array.from({ length: n }, (_, k) => k));
  });
}

const asyncFlow = <T>(async: boolean): Flow<T, T> =>
  async
    ? Flow.create<T>()
        .map((x) => x)
        .async()
    : Flow.create<T>();

describe('graph operators obey their laws under random demand, inputs and boundaries', () => {
  it(
    'merge: the output is a permutation of both inputs that keeps each input’s order',
    () =>
      fc.assert(
        fc.asyncProperty(inputArb, inputArb, envArb, async (a, b, env) => {
          const out = await run(tagged(a, 0).merge(tagged(b, 1)), env);
          expectOrderPreservingPermutation(out, [a.xs.length, b.xs.length]);
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'mergeAll: the same law for any number of inputs, some behind async boundaries',
    () =>
      fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(inputArb, fc.boolean()), { minLength: 1, maxLength: 5 }), envArb, async (inputs, env) => {
          const [first, ...rest] = inputs.map(([input, async], i) => tagged(input, i).via(asyncFlow<[number, number]>(async)));
          const out = await run(first!.mergeAll(rest), env);
          expectOrderPreservingPermutation(
            out,
            inputs.map(([input]) => input.xs.length),
          );
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'zip: equals the array zip truncated to the shorter input',
    () =>
      fc.assert(
        fc.asyncProperty(inputArb, inputArb, envArb, async (a, b, env) => {
          const n = Math.min(a.xs.length, b.xs.length);
          const expected = Array.from({ length: n }, (_, i) => [a.xs[i], b.xs[i]]);
          expect(await run(a.source().zip(b.source()), env)).toEqual(expected);
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'groupBy + mergeSubstreams: every element exactly once, each key’s elements in upstream order',
    () =>
      fc.assert(
        fc.asyncProperty(inputArb, fc.integer({ min: 1, max: 6 }), fc.boolean(), envArb, async (input, k, asyncSubstreams, env) => {
          const key = (x: number) => ((x % k) + k) % k;
          const indexed = input.source().zipWithIndex();
          const grouped = indexed
            .groupBy(k, ([x]) => key(x))
            .via(asyncFlow<[number, number]>(asyncSubstreams))
            .mergeSubstreams();
          const out = await run(grouped, env);
          expect([...out].sort((p, q) => p[1] - q[1])).toEqual(input.xs.map((x, i) => [x, i]));
          for (let g = 0; g < k; g++) {
            const ofKey = out.filter(([x]) => key(x) === g).map(([, i]) => i);
            expect(ofKey).toEqual([...ofKey].sort((p, q) => p - q));
          }
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'flatMapConcat(f) ≈ Array.flatMap(f)',
    () =>
      fc.assert(
        fc.asyncProperty(inputArb, fc.integer({ min: 0, max: 4 }), fc.boolean(), envArb, async (input, width, asyncInner, env) => {
          const f = (x: number) => Array.from({ length: (Math.abs(x) + width) % 5 }, (_, i) => x * 10 + i);
          const out = await run(
            input.source().flatMapConcat((x) => Source.from(f(x)).via(asyncFlow<number>(asyncInner))),
            env,
          );
          expect(out).toEqual(input.xs.flatMap(f));
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'flatMapMerge over inner sources read in place (range, from, single, empty) ≈ the same over materialized ones',
    () =>
      fc.assert(
        fc.asyncProperty(
          inputArb,
          fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constant(Infinity)),
          fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 5 }),
          envArb,
          async (input, breadth, kinds, env) => {
            // Inner source i emits i * 100 + j for j < length(i); its kind picks range, array, iterator, single or empty.
            const length = (i: number) => (kinds[i % kinds.length]! >= 3 ? 1 - (kinds[i % kinds.length]! - 3) : i % 4);
            const inner = (i: number): Source<number, unknown> => {
              const xs = Array.from({ length: length(i) }, (_, j) => i * 100 + j);
              switch (kinds[i % kinds.length]) {
                case 0:
                  return Source.range(i * 100, i * 100 + xs.length - 1);
                case 1:
                  return Source.from(xs);
                case 2:
                  return Source.from({ [Symbol.iterator]: () => xs[Symbol.iterator]() });
                case 3:
                  return Source.single(i * 100);
                default:
                  return Source.empty<number>();
              }
            };
            const inPlace = await run(
              input
                .source()
                .zipWithIndex()
                .flatMapMerge(breadth, ([, i]) => inner(i)),
              env,
            );
            // .map(x => x) gives the inner source a fused chain: it is materialized as a stage of its own.
            const materialized = await run(
              input
                .source()
                .zipWithIndex()
                .flatMapMerge(breadth, ([, i]) => inner(i).map((x) => x)),
              env,
            );
            const lengths = input.xs.map((_, i) => length(i));
            const pairs = (xs: number[]) => xs.map((v) => [Math.floor(v / 100), v % 100] as [number, number]);
            expectOrderPreservingPermutation(pairs(inPlace), lengths);
            expectOrderPreservingPermutation(pairs(materialized), lengths);
            if (breadth === 1) expect(inPlace).toEqual(materialized);
          },
        ),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'switchMap over inner sources read in place ≈ over materialized ones: a subsequence of all inner elements ending with the whole last one',
    () =>
      fc.assert(
        fc.asyncProperty(inputArb, fc.integer({ min: 0, max: 2 }), envArb, async (input, kind, env) => {
          const xsOf = (i: number) => Array.from({ length: (i % 3) + (kind === 2 ? 0 : 1) }, (_, j) => i * 100 + j);
          const inner = (i: number): Source<number, unknown> =>
            kind === 0
              ? Source.range(i * 100, i * 100 + xsOf(i).length - 1)
              : kind === 1
                ? Source.from(xsOf(i))
                : Source.from({ [Symbol.iterator]: () => xsOf(i)[Symbol.iterator]() });
          const all = input.xs.flatMap((_, i) => xsOf(i));
          const lastInner = input.xs.length === 0 ? [] : xsOf(input.xs.length - 1);
          for (const materialize of [false, true]) {
            const out = await run(
              input
                .source()
                .zipWithIndex()
                .switchMap(([, i]) => (materialize ? inner(i).map((x) => x) : inner(i))),
              env,
            );
            let k = 0;
            for (const x of out) {
              while (k < all.length && all[k] !== x) k++;
              expect(k).toBeLessThan(all.length); // x occurs, after the previous element
              k++;
            }
            expect(out.slice(out.length - lastInner.length)).toEqual(lastInner);
          }
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'flatMapMerge(breadth, f): the same elements as Array.flatMap(f), each inner source in order',
    () =>
      fc.assert(
        fc.asyncProperty(inputArb, fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constant(Infinity)), envArb, async (input, breadth, env) => {
          const f = (i: number) => Array.from({ length: i % 4 }, (_, j) => [i, j] as [number, number]);
          const out = await run(
            input
              .source()
              .zipWithIndex()
              .flatMapMerge(breadth, ([, i]) => Source.from(f(i))),
            env,
          );
          expectOrderPreservingPermutation(
            out.map(([i, j]) => [i, j] as [number, number]),
            input.xs.map((_, i) => f(i).length),
          );
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'concat ≈ Array concat; interleave(segment) ≈ the round-robin oracle',
    () =>
      fc.assert(
        fc.asyncProperty(inputArb, inputArb, fc.integer({ min: 1, max: 4 }), envArb, async (a, b, segment, env) => {
          expect(await run(a.source().concat(b.source()), env)).toEqual([...a.xs, ...b.xs]);
          const expected: number[] = [];
          for (let i = 0, j = 0; i < a.xs.length || j < b.xs.length; ) {
            for (let s = 0; s < segment && i < a.xs.length; s++) expected.push(a.xs[i++]!);
            if (i < a.xs.length && j >= b.xs.length) continue;
            for (let s = 0; s < segment && j < b.xs.length; s++) expected.push(b.xs[j++]!);
          }
          expect(await run(a.source().interleave(b.source(), segment), env)).toEqual(expected);
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'splitWhen / splitAfter + concatSubstreams ≈ cutting the array before / after each matching element',
    () =>
      fc.assert(
        fc.asyncProperty(inputArb, fc.integer({ min: 2, max: 5 }), envArb, async (input, m, env) => {
          const p = (x: number) => x % m === 0;
          const collect = (acc: number[], x: number): number[] => [...acc, x];
          const before: number[][] = [];
          input.xs.forEach((x, i) => (i === 0 || p(x) ? before.push([x]) : before[before.length - 1]!.push(x)));
          const after: number[][] = [];
          let open = false;
          for (const x of input.xs) {
            if (!open) after.push([]);
            after[after.length - 1]!.push(x);
            open = !p(x);
          }
          expect(
            await run(
              input
                .source()
                .splitWhen(p)
                .fold([] as number[], collect)
                .concatSubstreams(),
              env,
            ),
          ).toEqual(before);
          expect(
            await run(
              input
                .source()
                .splitAfter(p)
                .fold([] as number[], collect)
                .concatSubstreams(),
              env,
            ),
          ).toEqual(after);
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );
});
