/**
 * Inputs that `merge`/`mergeAll` read in place (plain `Source.from`/`range`/`single`/
 * `empty`, see ../operators/mergeInline.test.ts) give the same stream as the same inputs kept as
 * wired stages (`.named(…)` makes a source non-inlinable): for merge the same elements with each
 * input's order kept, the same completion or error, `take(m)` giving `min(m, total)`; with
 * `eagerComplete`, each input's elements a prefix of it.
 */
import { Sink, Source } from '@tributary/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROPERTY_TIMEOUT, RUNS } from './harness.js';

type Tagged = [number, number];

interface Input {
  readonly n: number;
  /** The index whose read throws, or -1. */
  readonly failAt: number;
  /** An array (cursor knows exhaustion) or an iterator (knows only after the extra read). */
  readonly array: boolean;
}

const inputArb: fc.Arbitrary<Input> = fc.record({
  n: fc.integer({ min: 0, max: 12 }),
  failAt: fc.oneof({ weight: 4, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 13 }) }),
  array: fc.boolean(),
});

/** Input `i`'s elements `[i, k]`, failing at `failAt` (an iterator then). */
function iterable(input: Input, i: number): Iterable<Tagged> {
  if (input.array && input.failAt < 0) return Array.from({ length: input.n }, (_, k) => [i, k] as Tagged);
  return {
    *[Symbol.iterator]() {
      for (let k = 0; k < input.n; k++) {
        if (k === input.failAt) throw new Error(`input ${i} failed`);
        yield [i, k] as Tagged;
      }
      if (input.failAt === input.n) throw new Error(`input ${i} failed`);
    },
  };
}

const source = (input: Input, i: number, wired: boolean): Source<Tagged> => {
  const s = Source.from(iterable(input, i));
  return wired ? s.named(`wired${i}`) : s;
};

/** How a run ended: its elements or its error's message. */
async function outcome<T>(s: Source<T, unknown>): Promise<{ ok: T[] } | { error: string }> {
  try {
    return { ok: await s.runWith(Sink.seq()) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const sorted = (out: readonly Tagged[]) => [...out].sort((p, q) => p[0] - q[0] || p[1] - q[1]);

function expectPerInputPrefixes(out: readonly Tagged[], count: number): void {
  for (let i = 0; i < count; i++) {
    const ks = out.filter(([src]) => src === i).map(([, k]) => k);
    expect(ks).toEqual(Array.from({ length: ks.length }, (_, k) => k));
  }
}

describe('merge with inputs read in place ≡ the same inputs wired', () => {
  it(
    'merge/mergeAll: same elements per input, same completion or error, take(m)',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(inputArb, { minLength: 2, maxLength: 5 }),
          fc.boolean(),
          fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
          fc.boolean(),
          async (inputs, eager, take, single) => {
            // at most one failing input: with several, which fails first is up to the interleaving
            const fixed = inputs.map((x, i) => (i === 0 || inputs.findIndex((y) => y.failAt >= 0) !== i ? { ...x, failAt: -1 } : x));
            const build = (wired: boolean) => {
              const receiver = source(fixed[0]!, 0, true);
              const rest = fixed.slice(1).map((x, i) => source(x, i + 1, wired));
              let s = single ? rest.reduce((acc, x) => acc.merge(x, eager), receiver) : receiver.mergeAll(rest, eager);
              if (take !== undefined) s = s.take(take);
              return s;
            };
            const a = await outcome(build(false));
            const b = await outcome(build(true));
            if (eager) {
              // which input ends the merge first depends on the interleaving: only the laws of each run
              for (const r of [a, b]) if ('ok' in r) expectPerInputPrefixes(r.ok, fixed.length);
              if (!fixed.some((x) => x.failAt >= 0 && x.failAt <= x.n)) {
                expect('ok' in a && 'ok' in b).toBe(true);
              }
              return;
            }
            if ('error' in a || 'error' in b) {
              // a failure may be overtaken by take(m) having had enough
              if (take === undefined) expect(a).toEqual(b);
              return;
            }
            if (take === undefined) expect(sorted(a.ok)).toEqual(sorted(b.ok));
            else expect(a.ok.length).toBe(b.ok.length);
            expectPerInputPrefixes(a.ok, fixed.length);
          },
        ),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT,
  );
});
