/**
 * Build-time fusion of stateful stages (scan, take, drop, takeWhile, dropWhile, zipWithIndex, and the
 * ending ones: statefulMap, grouped, sliding) next to the stateless ones must be invisible: for random chains, hosts and supervision directives, the fused
 * pipeline and the same pipeline with every operator in its own unfusable stage (an attribute-carrying
 * Flow) give identical element sequences, completions, errors and supervision outcomes, under random
 * demand too. Fused state is per materialization: one blueprint run twice (and twice at once) gives
 * the same result each time. The ending stages emit when their upstream ends, under demand, and
 * statefulMap's functions may fail (create, f, onComplete): its onComplete runs exactly once per state,
 * fused as unfused, seeing the same states (the log of its calls is compared as a multiset).
 */

import { Attributes, Flow, type FlowOps, type HKT, Keep, type Kind, Sink, Source, Supervision } from '@tributary/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeTerminal,
  expectAllIslandsStopped,
  interpreterSettingsArb,
  labelled,
  newMaterializer,
  ops,
  PROPERTY_TIMEOUT,
  runs,
  runUnderDemand,
  type StageFn,
  scheduleArb,
  valueArb,
} from './harness.js';
import { predArb } from './ops.js';
import { mod } from './oracles.js';

interface FOp {
  readonly label: string;
  readonly stage: StageFn<number, number>;
  /** The op for the unfused reference, when `stage` is more than one operator (which would fuse with each other). */
  readonly reference?: (f: Flow<number, number, unknown>) => Flow<number, unknown, unknown>;
}
const fop = (label: string, stage: StageFn<number, number>, reference?: FOp['reference']): FOp =>
  labelled(reference === undefined ? { label, stage } : { label, stage, reference }, label);

/** A user function that fails (a fresh Error naming the element) on elements ≡ 0 mod k; k = 0: never. */
const failsOn = (k: number, what: string) => (x: number) => {
  if (k !== 0 && mod(x, k) === 0) throw new Error(`${what} ${x}`);
};
const kArb = fc.constantFrom(0, 0, 3, 4, 5);

/**
 * Where the ops built next log their statefulMap onComplete calls: set before a pipeline is built, so
 * the fused and the reference pipeline each log into their own array.
 */
let onCompleteLog: string[] = [];

/** An array element of grouped/sliding as one number (its length and contents). */
const encode = (g: readonly number[]): number => g.reduce((a, x) => (a * 7 + x) % 100_003, g.length);

type LastKind = 'emit' | 'none' | 'throw';

const endingOpArb: fc.Arbitrary<FOp> = fc.oneof(
  fc.integer({ min: 1, max: 4 }).map((n) =>
    fop(
      `grouped(${n}).map(encode)`,
      <F extends HKT>(s: FlowOps<number, F>) => ops<number[], F>(s.grouped(n)).map(encode),
      (f) => f.grouped(n).named('unfused').map(encode),
    ),
  ),
  fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 })).map(([n, step]) =>
    fop(
      `sliding(${n}, ${step}).map(encode)`,
      <F extends HKT>(s: FlowOps<number, F>) => ops<number[], F>(s.sliding(n, step)).map(encode),
      (f) => f.sliding(n, step).named('unfused').map(encode),
    ),
  ),
  fc
    .tuple(fc.integer({ min: -2, max: 2 }), kArb, fc.constantFrom<LastKind>('emit', 'emit', 'none', 'throw'), fc.constantFrom(false, false, false, false, true))
    .map(([b, k, last, createThrows]) => {
      const fail = failsOn(k, 'statefulMap');
      return fop(`statefulMap(acc + x + ${b}, fails mod ${k}, onComplete ${last}${createThrows ? ', create throws' : ''})`, (s) => {
        const log = onCompleteLog;
        return s.statefulMap(
          () => {
            if (createThrows) throw new Error('create');
            return 0;
          },
          (acc: number, x: number) => {
            fail(x);
            const next = (acc + x + b) % 1009;
            return [next, next * 2] as const;
          },
          (acc: number) => {
            log.push(`onComplete(${acc})`);
            if (last === 'throw') throw new Error(`onComplete ${acc}`);
            return last === 'emit' ? acc + 5000 : undefined;
          },
        );
      });
    }),
);

const plainOpArb: fc.Arbitrary<FOp> = fc.oneof(
  fc.tuple(fc.integer({ min: -3, max: 3 }), kArb).map(([b, k]) => {
    const fail = failsOn(k, 'map');
    return fop(`map(x + ${b}, fails mod ${k})`, (s) => s.map((x) => (fail(x), x + b)));
  }),
  predArb.map(({ p, label }) => fop(`filter(${label})`, (s) => s.filter(p))),
  predArb.map(({ p, label }) => fop(`filterNot(${label})`, (s) => s.filterNot(p))),
  predArb.map(({ p, label }) => fop(`collect(${label})`, (s) => s.collect((x) => (p(x) ? x * 2 : undefined)))),
  fc.tuple(fc.integer({ min: -3, max: 3 }), kArb).map(([zero, k]) => {
    const fail = failsOn(k, 'scan');
    return fop(`scan(${zero}, (2a + x) % 1009, fails mod ${k})`, (s) => s.scan(zero, (a: number, x: number) => (fail(x), (a * 2 + x) % 1009)));
  }),
  fc.integer({ min: 0, max: 25 }).map((n) => fop(`take(${n})`, (s) => s.take(n))),
  fc.integer({ min: 0, max: 12 }).map((n) => fop(`drop(${n})`, (s) => s.drop(n))),
  fc.tuple(predArb, fc.boolean(), kArb).map(([{ p, label }, inclusive, k]) => {
    const fail = failsOn(k, 'takeWhile');
    return fop(`takeWhile(${label}, ${inclusive}, fails mod ${k})`, (s) => s.takeWhile((x) => (fail(x), p(x)), inclusive));
  }),
  fc.tuple(predArb, kArb).map(([{ p, label }, k]) => {
    const fail = failsOn(k, 'dropWhile');
    return fop(`dropWhile(${label}, fails mod ${k})`, (s) => s.dropWhile((x) => (fail(x), p(x))));
  }),
  fc.constant(null).map(() =>
    fop(
      'zipWithIndex().map(([x, i]) => x*100 + i)',
      <F extends HKT>(s: FlowOps<number, F>) => ops<[number, number], F>(s.zipWithIndex()).map(([x, i]) => x * 100 + i),
      (f) =>
        f
          .zipWithIndex()
          .named('unfused')
          .map(([x, i]) => x * 100 + i),
    ),
  ),
);

const opArb: fc.Arbitrary<FOp> = fc.oneof({ weight: 3, arbitrary: plainOpArb }, { weight: 1, arbitrary: endingOpArb });

const chainArb = fc.array(opArb, { minLength: 1, maxLength: 6 });

/**
 * A statefulMap that fails at start-up (its create throws, or its onComplete throws when its upstream
 * is over before anything was pulled: an empty source, a take(0) before it): whether a scan after it
 * emits its seed first depends, unfused, on whether the scan is pulled before the failure reaches it
 * (interpreter order and the sink's first request) — no single behaviour matches both, so such runs are
 * left out.
 */
function racyStart(host: Host, chain: readonly FOp[]): boolean {
  return chain.some((o, i) => {
    const endsAtStart = host.empty || chain.slice(0, i).some((p) => p.label === 'take(0)');
    const failsAtStart = o.label.includes('create throws') || (o.label.includes('onComplete throw') && endsAtStart);
    return failsAtStart && chain.slice(i + 1).some((p) => p.label.startsWith('scan('));
  });
}

/** The sync fusion hosts (range, array) and a generic iterable (a fusion host too, iterated lazily). */
interface Host {
  readonly source: () => Source<number, unknown>;
  /** Emits nothing. */
  readonly empty: boolean;
}
const hostArb: fc.Arbitrary<Host> = fc.oneof(
  fc
    .tuple(fc.integer({ min: -20, max: 20 }), fc.integer({ min: -20, max: 20 }), fc.constantFrom(-2, -1, 1, 3))
    .map(([a, b, step]) => labelled({ source: () => Source.range(a, b, step), empty: step > 0 ? a > b : a < b }, `Source.range(${a}, ${b}, ${step})`)),
  fc.array(valueArb, { maxLength: 40 }).map((xs) => labelled({ source: () => Source.from(xs), empty: xs.length === 0 }, `Source.from(${JSON.stringify(xs)})`)),
  fc
    .array(valueArb, { maxLength: 40 })
    .map((xs) =>
      labelled(
        { source: () => Source.from({ [Symbol.iterator]: () => xs[Symbol.iterator]() }), empty: xs.length === 0 },
        `Source.from(iterable ${JSON.stringify(xs)})`,
      ),
    ),
);

/** Where the fused chain runs: on the source into Sink.seq (one loop), on the source alone, or mid-flow. */
type Placement = 'into-sink' | 'on-source' | 'mid-flow';
const placementArb = fc.constantFrom<Placement>('into-sink', 'on-source', 'mid-flow');
const directiveArb = fc.constantFrom('stop', 'resume', 'restart') as fc.Arbitrary<'stop' | 'resume' | 'restart'>;

/** A pass-through that carries an attribute, so nothing fuses across it. */
const barrier = () =>
  Flow.create<number>()
    .map((x) => x)
    .named('barrier');

function fusedSource(host: Host, chain: readonly FOp[], placement: Placement): Source<number, unknown> {
  let s = host.source();
  if (placement === 'mid-flow') s = s.via(barrier());
  for (const o of chain) s = o.stage(ops<number, HKT>(s as unknown as Kind<HKT, number>)) as unknown as Source<number, unknown>;
  if (placement === 'on-source') s = s.via(barrier());
  return s;
}

function unfusedSource(host: Host, chain: readonly FOp[]): Source<number, unknown> {
  let s = host.source().via(barrier());
  for (const o of chain) {
    const flow =
      o.reference !== undefined
        ? o.reference(Flow.create<number>())
        : (o.stage(ops<number, HKT>(Flow.create<number>() as unknown as Kind<HKT, number>)) as unknown as Flow<number, number, unknown>);
    s = s.via(flow.named('unfused') as Flow<number, number, unknown>);
  }
  return s;
}

type Outcome = { readonly ok: readonly number[] } | { readonly error: string };
async function outcome(p: Promise<number[]>): Promise<Outcome> {
  try {
    return { ok: await p };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

function runSeq(source: Source<number, unknown>, directive: 'stop' | 'resume' | 'restart', settings: object) {
  const mat = newMaterializer(settings);
  const decider = directive === 'stop' ? Supervision.stop : directive === 'resume' ? Supervision.resume : Supervision.restart;
  const result = source.toMat(Sink.seq<number>(), Keep.right).withAttributes(Attributes.supervisionStrategy(decider)).run(mat);
  return { mat, result: outcome(result) };
}

describe('fused stateful chains ≡ the same operators unfused', () => {
  it(
    'same elements, completion, error and supervision outcome (Sink.seq), for every placement of the chain',
    () =>
      fc.assert(
        fc.asyncProperty(hostArb, chainArb, placementArb, directiveArb, interpreterSettingsArb, async (host, chain, placement, directive, settings) => {
          fc.pre(!racyStart(host, chain));
          const fusedLog: string[] = (onCompleteLog = []);
          const fused = runSeq(fusedSource(host, chain, placement), directive, settings);
          const referenceLog: string[] = (onCompleteLog = []);
          const reference = runSeq(unfusedSource(host, chain), directive, settings);
          try {
            expect(await fused.result).toEqual(await reference.result);
            await expectAllIslandsStopped(fused.mat);
            await expectAllIslandsStopped(reference.mat);
            expect([...fusedLog].sort()).toEqual([...referenceLog].sort());
          } finally {
            fused.mat.shutdown();
            reference.mat.shutdown();
          }
        }),
        { numRuns: runs(200) },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'under random demand: the same elements and terminal signal, demand never exceeded',
    () =>
      fc.assert(
        fc.asyncProperty(
          hostArb,
          chainArb,
          fc.constantFrom<Placement>('on-source', 'mid-flow'),
          scheduleArb,
          interpreterSettingsArb,
          async (host, chain, placement, schedule, settings) => {
            fc.pre(!racyStart(host, chain));
            // The probe sits right after the chain, so the chain's own stage answers its demand.
            const fusedLog: string[] = (onCompleteLog = []);
            const direct = placement === 'on-source' ? fusedSource(host, chain, 'into-sink') : fusedSource(host, chain, 'mid-flow');
            const fused = await runUnderDemand(direct, schedule, { settings });
            const referenceLog: string[] = (onCompleteLog = []);
            const reference = await runUnderDemand(unfusedSource(host, chain), schedule, { settings });
            expect(fused.elements).toEqual(reference.elements);
            expect(describeTerminal(fused.terminal)).toBe(describeTerminal(reference.terminal));
            expect([...fusedLog].sort()).toEqual([...referenceLog].sort());
          },
        ),
        { numRuns: runs(100) },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'state is per materialization: one blueprint run twice, and twice at once, gives the same result each time',
    () =>
      fc.assert(
        fc.asyncProperty(hostArb, chainArb, placementArb, async (host, chain, placement) => {
          fc.pre(!racyStart(host, chain));
          const blueprint = fusedSource(host, chain, placement).toMat(Sink.seq<number>(), Keep.right);
          const mat = newMaterializer();
          try {
            const first = await outcome(blueprint.run(mat));
            const [a, b] = await Promise.all([outcome(blueprint.run(mat)), outcome(blueprint.run(mat))]);
            expect(a).toEqual(first);
            expect(b).toEqual(first);
          } finally {
            mat.shutdown();
          }
        }),
        { numRuns: runs(100) },
      ),
    PROPERTY_TIMEOUT,
  );
});
