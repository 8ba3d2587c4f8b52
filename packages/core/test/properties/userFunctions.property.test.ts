/**
 * User functions that throw (DESIGN.md, "Errors"; Supervision.ts; each operator's doc in FlowOps.ts).
 *
 * The user function of the operator under test throws on a "poison" value `v` (chosen among the input's
 * elements, or absent). Against an array model:
 * - stop (the default): the stream fails with exactly the thrown error, after exactly the elements the
 *   operator emits for the input before the first poisoned call;
 * - resume: the poisoned element is dropped and the operator's state is kept;
 * - restart: the poisoned element is dropped and the operator's state is reset (scan, fold, statefulMap);
 *   scan emits its seed again and statefulMap the final element of the old state, in the element's place.
 * Random inputs, placements (fused, Flow, async), demand schedules; every run also checks that all
 * islands stopped and that a spy after the operator ran postStop exactly once.
 */

import { Attributes, type Decider, NoSuchElementError, type NotUsed, type SourceF, Supervision } from '@tributary/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkSpy,
  type DemandOutcome,
  describeTerminal,
  type Input,
  type InterpreterSettings,
  inputArb,
  interpreterSettingsArb,
  labelled,
  type Placement,
  PROPERTY_TIMEOUT,
  placementArb,
  runs,
  runUnderDemand,
  type StageFn,
  scheduleArb,
  segment,
  sinkPlacementArb,
  spy,
} from './harness.js';
import { collectOracle, dropWhileOracle, foldOracle, mod, scanOracle, statefulMapOracle, takeWhileOracle } from './oracles.js';

type Expected = unknown[] | 'fails';

interface FnCase {
  readonly label: string;
  /** The operator, whose user function throws `err` on the value `v`. */
  readonly stage: (v: number, err: Error) => StageFn<number, unknown>;
  /** Index of the element on which the first throwing call happens, or -1. */
  readonly throwsAt: (xs: readonly number[], v: number) => number;
  /** What the operator emits for `prefix` (the elements before the poisoned one) before the failure. */
  readonly partial: (prefix: readonly number[]) => unknown[];
  /** Output with the poisoned elements handled by `resume` (also the output when nothing throws). */
  readonly resume: (xs: readonly number[], v: number) => Expected;
  /** Output under `restart`, where it differs from resume. */
  readonly restart?: (xs: readonly number[], v: number) => Expected;
}

const without = (xs: readonly number[], v: number) => xs.filter((x) => x !== v);
const poisoned =
  <A extends unknown[], R>(v: number, err: Error, at: (...args: A) => number, f: (...args: A) => R) =>
  (...args: A): R => {
    if (at(...args) === v) throw err;
    return f(...args);
  };
const first = (x: number) => x;
const second = (_: unknown, x: number) => x;

const mapF = (x: number) => x * 3 + 1;
const filterP = (x: number) => mod(x, 3) !== 0;
const collectPf = (x: number) => (mod(x, 2) === 0 ? x / 2 : undefined);
const concatF = (x: number) => Array.from({ length: mod(x, 3) }, (_, i) => x * 10 + i);
const scanF = (a: number, x: number) => (a * 2 + x) % 1009;
const foldF = (a: number, x: number) => (a * 3 + x) % 10007;
const reduceF = (a: number, x: number) => (a * 2 - x) % 10007;
const smCreate = () => 0;
const smF = (s: number, x: number) => [s + x, s * 10 + x] as const;
const smDone = (s: number) => -s;
const whileP = (x: number) => mod(x, 7) !== 0;
const dropP = (x: number) => mod(x, 5) !== 0;

/** First index where the predicate-driven operators call `p` on `v`: they stop calling at the first false. */
function whileThrowsAt(p: (x: number) => boolean) {
  return (xs: readonly number[], v: number): number => {
    for (let i = 0; i < xs.length; i++) {
      if (xs[i] === v) return i;
      if (!p(xs[i]!)) return -1;
    }
    return -1;
  };
}

const cases: FnCase[] = [
  {
    label: 'map',
    stage: (v, err) => (s) => s.map(poisoned(v, err, first, mapF)),
    throwsAt: (xs, v) => xs.indexOf(v),
    partial: (p) => p.map(mapF),
    resume: (xs, v) => without(xs, v).map(mapF),
  },
  {
    label: 'filter',
    stage: (v, err) => (s) => s.filter(poisoned(v, err, first, filterP)),
    throwsAt: (xs, v) => xs.indexOf(v),
    partial: (p) => p.filter(filterP),
    resume: (xs, v) => without(xs, v).filter(filterP),
  },
  {
    label: 'filterNot',
    stage: (v, err) => (s) => s.filterNot(poisoned(v, err, first, filterP)),
    throwsAt: (xs, v) => xs.indexOf(v),
    partial: (p) => p.filter((x) => !filterP(x)),
    resume: (xs, v) => without(xs, v).filter((x) => !filterP(x)),
  },
  {
    label: 'collect',
    stage: (v, err) => (s) => s.collect(poisoned(v, err, first, collectPf)),
    throwsAt: (xs, v) => xs.indexOf(v),
    partial: (p) => collectOracle(p, collectPf),
    resume: (xs, v) => collectOracle(without(xs, v), collectPf),
  },
  {
    label: 'mapConcat',
    stage: (v, err) => (s) => s.mapConcat(poisoned(v, err, first, concatF)),
    throwsAt: (xs, v) => xs.indexOf(v),
    partial: (p) => p.flatMap(concatF),
    resume: (xs, v) => without(xs, v).flatMap(concatF),
  },
  {
    label: 'scan',
    stage: (v, err) => (s) => s.scan(1, poisoned(v, err, second, scanF)),
    throwsAt: (xs, v) => xs.indexOf(v),
    partial: (p) => scanOracle(p, 1, scanF),
    resume: (xs, v) => scanOracle(without(xs, v), 1, scanF),
    restart: (xs, v) => {
      // restart emits the seed again in place of the poisoned element (Pekko)
      let acc = 1;
      const out = [acc];
      for (const x of xs) out.push((acc = x === v ? 1 : scanF(acc, x)));
      return out;
    },
  },
  {
    label: 'fold',
    stage: (v, err) => (s) => s.fold(2, poisoned(v, err, second, foldF)),
    throwsAt: (xs, v) => xs.indexOf(v),
    partial: () => [],
    resume: (xs, v) => foldOracle(without(xs, v), 2, foldF),
    restart: (xs, v) => {
      let acc = 2;
      for (const x of xs) acc = x === v ? 2 : foldF(acc, x);
      return [acc];
    },
  },
  {
    label: 'reduce',
    stage: (v, err) => (s) => s.reduce(poisoned(v, err, second, reduceF)),
    throwsAt: (xs, v) => (xs.length > 1 ? xs.indexOf(v, 1) : -1),
    partial: () => [],
    resume: (xs, v) => (xs.length === 0 ? 'fails' : [[xs[0]!, ...without(xs.slice(1), v)].reduce(reduceF)]),
    // restart forgets the accumulator: the next element starts a new one (without a call); none left → empty-stream failure
    restart: (xs, v) => {
      let acc: number | undefined;
      for (const x of xs) {
        if (acc === undefined) acc = x;
        else acc = x === v ? undefined : reduceF(acc, x);
      }
      return acc === undefined ? 'fails' : [acc];
    },
  },
  {
    label: 'statefulMap',
    stage: (v, err) => (s) => s.statefulMap(smCreate, poisoned(v, err, second, smF), smDone),
    throwsAt: (xs, v) => xs.indexOf(v),
    // stop closes the state first: onComplete's element goes out before the failure (Pekko)
    partial: (p) => statefulMapOracle(p, smCreate, smF, smDone),
    resume: (xs, v) => statefulMapOracle(without(xs, v), smCreate, smF, smDone),
    restart: (xs, v) => {
      let st = smCreate();
      const out: number[] = [];
      for (const x of xs) {
        if (x === v) {
          out.push(smDone(st)); // the old state's final element takes the poisoned element's place
          st = smCreate();
          continue;
        }
        const [next, y] = smF(st, x);
        st = next;
        out.push(y);
      }
      return [...out, smDone(st)];
    },
  },
  {
    label: 'takeWhile',
    stage: (v, err) => (s) => s.takeWhile(poisoned(v, err, first, whileP)),
    throwsAt: whileThrowsAt(whileP),
    partial: (p) => [...p],
    resume: (xs, v) => takeWhileOracle(without(xs, v), whileP, false),
  },
  {
    label: 'takeWhile(inclusive)',
    stage: (v, err) => (s) => s.takeWhile(poisoned(v, err, first, whileP), true),
    throwsAt: whileThrowsAt(whileP),
    partial: (p) => [...p],
    resume: (xs, v) => takeWhileOracle(without(xs, v), whileP, true),
  },
  {
    label: 'dropWhile',
    stage: (v, err) => (s) => s.dropWhile(poisoned(v, err, first, dropP)),
    throwsAt: whileThrowsAt(dropP),
    partial: () => [],
    // while dropping, a throwing element is dropped like any other; once dropping ended p is never called
    resume: (xs, v) => dropWhileOracle(xs, (x) => x === v || dropP(x)),
  },
];

const caseArb = fc.constantFrom(...cases).map((c) => labelled({ ...c }, c.label));

interface PoisonEnv {
  readonly input: Input;
  readonly v: number;
  readonly placement: Placement;
  readonly schedule: number[];
  readonly sinkBuffer: number | undefined;
  readonly settings: InterpreterSettings;
}

/** The poison is one of the input's values (so it usually occurs), or 99 (never occurs). */
const poisonEnvArb: fc.Arbitrary<PoisonEnv> = fc
  .record({
    input: inputArb,
    pick: fc.option(fc.nat(), { freq: 6, nil: null }),
    placement: placementArb,
    schedule: scheduleArb,
    sinkBuffer: sinkPlacementArb,
    settings: interpreterSettingsArb,
  })
  .map(({ input, pick, ...rest }) => ({ input, v: pick === null || input.xs.length === 0 ? 99 : input.xs[pick % input.xs.length]!, ...rest }));

async function runCase(env: PoisonEnv, c: FnCase, decider: Decider | undefined, err: Error) {
  const s = spy<unknown>();
  const stage = c.stage(env.v, err);
  const attrs = decider === undefined ? Attributes.none : Attributes.supervisionStrategy(decider);
  const src = env.input.source();
  const withOp =
    env.placement.mode === 'direct' ? stage<SourceF<NotUsed>>(src).withAttributes(attrs) : src.via(segment(env.placement, stage).withAttributes(attrs));
  const out = await runUnderDemand(withOp.via(s.flow), env.schedule, { asyncSinkBuffer: env.sinkBuffer, settings: env.settings });
  checkSpy(s.stats);
  return out;
}

function expectOutcome(out: DemandOutcome<unknown>, expected: Expected): void {
  if (expected === 'fails') {
    expect(out.terminal.kind, `expected NoSuchElementError, got ${describeTerminal(out.terminal)}`).toBe('error');
    if (out.terminal.kind === 'error') expect(out.terminal.error).toBeInstanceOf(NoSuchElementError);
    expect(out.elements).toEqual([]);
  } else {
    expect(describeTerminal(out.terminal)).toBe('complete');
    expect(out.elements).toEqual(expected);
  }
}

describe('user functions that throw', () => {
  it(
    'stop (default): the stream fails with exactly the thrown error, after exactly what the operator emitted for the elements before it',
    () =>
      fc.assert(
        fc.asyncProperty(poisonEnvArb, caseArb, async (env, c) => {
          const err = new Error(`poison ${env.v}`);
          const out = await runCase(env, c, undefined, err);
          const i = c.throwsAt(env.input.xs, env.v);
          if (i < 0) {
            expectOutcome(out, c.resume(env.input.xs, env.v));
          } else {
            expect(out.terminal.kind, `expected the thrown error, got ${describeTerminal(out.terminal)}`).toBe('error');
            if (out.terminal.kind === 'error') expect(out.terminal.error).toBe(err);
            expect(out.elements).toEqual(c.partial(env.input.xs.slice(0, i)));
          }
        }),
        { numRuns: runs(100) },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'Supervision.resume: every element on which the user function threw is dropped, the operator state is kept',
    () =>
      fc.assert(
        fc.asyncProperty(poisonEnvArb, caseArb, async (env, c) => {
          const out = await runCase(env, c, Supervision.resume, new Error(`poison ${env.v}`));
          expectOutcome(out, c.resume(env.input.xs, env.v));
        }),
        { numRuns: runs(100) },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'Supervision.restart: every element on which the user function threw is dropped, and scan/fold/statefulMap start over from their initial state',
    () =>
      fc.assert(
        fc.asyncProperty(poisonEnvArb, caseArb, async (env, c) => {
          const out = await runCase(env, c, Supervision.restart, new Error(`poison ${env.v}`));
          expectOutcome(out, (c.restart ?? c.resume)(env.input.xs, env.v));
        }),
        { numRuns: runs(100) },
      ),
    PROPERTY_TIMEOUT,
  );
});
