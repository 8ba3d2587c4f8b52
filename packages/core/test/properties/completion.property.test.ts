/**
 * Completion needs no demand (Reactive Streams: onComplete is not bounded by demand; Akka operators
 * complete as soon as they know they are done). When the input is an array or a range (sources that
 * know they are exhausted when they push their last element) and the operator has nothing left to
 * inspect after its last element, requesting exactly the number of elements the oracle predicts (at
 * least one, to get the stream going) must be enough: the completion then arrives without any further
 * request. The wait for it is a bounded number of event-loop turns, not wall-clock time.
 *
 * Operators where finding the end may legitimately require pulling more input (filter, collect,
 * dropWhile, takeWhile without `inclusive`, sliding with step > n, mapConcat with trailing empty
 * iterables, generic iterables) are not part of this law.
 */

import { Attributes, Keep, NoSuchElementError, Source } from '@tributary/core';
import { flushStreams, TestSink } from '@tributary/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkSpy,
  expectAllIslandsStopped,
  HANG_MS,
  type Input,
  interpreterSettingsArb,
  labelled,
  MAX_TURNS,
  newMaterializer,
  nextSignal,
  type Placement,
  PROPERTY_TIMEOUT,
  place,
  placementArb,
  runs,
  type StageFn,
  scheduleArb,
  sinkPlacementArb,
  spy,
  xsArb,
} from './harness.js';
import {
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

interface EagerCase {
  readonly label: string;
  readonly stage: StageFn<number, unknown>;
  readonly oracle: (xs: readonly number[]) => unknown[] | 'fails';
}

function eager(label: string, stage: StageFn<number, unknown>, oracle: (xs: readonly number[]) => unknown[] | 'fails'): EagerCase {
  return labelled({ label, stage, oracle }, label);
}

const nonEmptyCopies = (x: number) => Array.from({ length: 1 + mod(x, 3) }, (_, i) => x * 10 + i);
const f2 = (a: number, x: number) => (a * 2 + x) % 1009;

const eagerCaseArb: fc.Arbitrary<EagerCase> = fc.oneof(
  fc.constant(null).map(() =>
    eager(
      'map(x => 2x)',
      (s) => s.map((x) => 2 * x),
      (xs) => xs.map((x) => 2 * x),
    ),
  ),
  fc.constant(null).map(() =>
    eager(
      'zipWithIndex()',
      (s) => s.zipWithIndex(),
      (xs) => zipWithIndexOracle(xs),
    ),
  ),
  fc.integer({ min: -3, max: 3 }).map((z) =>
    eager(
      `scan(${z}, f)`,
      (s) => s.scan(z, f2),
      (xs) => scanOracle(xs, z, f2),
    ),
  ),
  fc.integer({ min: -3, max: 3 }).map((z) =>
    eager(
      `fold(${z}, f)`,
      (s) => s.fold(z, f2),
      (xs) => foldOracle(xs, z, f2),
    ),
  ),
  fc.constant(null).map(() =>
    eager(
      'reduce(f)',
      (s) => s.reduce(f2),
      (xs) => reduceOracle(xs, f2),
    ),
  ),
  fc.integer({ min: 0, max: 30 }).map((n) =>
    eager(
      `take(${n})`,
      (s) => s.take(n),
      (xs) => xs.slice(0, n),
    ),
  ),
  fc.integer({ min: 0, max: 30 }).map((n) =>
    eager(
      `drop(${n})`,
      (s) => s.drop(n),
      (xs) => xs.slice(n),
    ),
  ),
  fc.integer({ min: 1, max: 6 }).map((n) =>
    eager(
      `grouped(${n})`,
      (s) => s.grouped(n),
      (xs) => groupedOracle(xs, n),
    ),
  ),
  fc
    .integer({ min: 1, max: 6 })
    .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 1, max: n })))
    .map(([n, step]) =>
      eager(
        `sliding(${n}, ${step})`,
        (s) => s.sliding(n, step),
        (xs) => slidingOracle(xs, n, step),
      ),
    ),
  fc.constant(null).map(() =>
    eager(
      'intersperse(0)',
      (s) => s.intersperse(0),
      (xs) => intersperseOracle(xs, 0),
    ),
  ),
  fc.constant(null).map(() =>
    eager(
      'intersperse(-1, 0, 1)',
      (s) => s.intersperse(-1, 0, 1),
      (xs) => intersperse3Oracle(xs, -1, 0, 1),
    ),
  ),
  fc.boolean().map((last) =>
    eager(
      `statefulMap(sum, emitLast=${last})`,
      (s) =>
        s.statefulMap(
          () => 0,
          (a: number, x: number) => [a + x, a] as const,
          (a) => (last ? a : undefined),
        ),
      (xs) =>
        statefulMapOracle(
          xs,
          () => 0,
          (a: number, x: number) => [a + x, a] as const,
          (a) => (last ? a : undefined),
        ),
    ),
  ),
  fc.constant(null).map(() =>
    eager(
      'mapConcat(1..3 copies)',
      (s) => s.mapConcat(nonEmptyCopies),
      (xs) => xs.flatMap(nonEmptyCopies),
    ),
  ),
  fc.constant(null).map(() =>
    eager(
      'takeWhile(x => mod(x, 5) !== 0, inclusive)',
      (s) => s.takeWhile((x) => mod(x, 5) !== 0, true),
      (xs) => takeWhileOracle(xs, (x) => mod(x, 5) !== 0, true),
    ),
  ),
);

/** Sources that complete right after pushing their last element. */
const eagerInputArb: fc.Arbitrary<Input> = fc.oneof(
  xsArb.map((xs) => labelled({ xs, source: () => Source.from(xs) }, `Source.from(${JSON.stringify(xs)})`)),
  fc
    .tuple(fc.integer({ min: -10, max: 10 }), fc.integer({ min: 0, max: 40 }))
    .map(([a, n]) => labelled({ xs: rangeOracle(a, a + n - 1), source: () => Source.range(a, a + n - 1) }, `Source.range(${a}, ${a + n - 1})`)),
  xsArb.map((xs) => labelled({ xs, source: () => Source.from(xs).async() }, `Source.from(${JSON.stringify(xs)}).async()`)),
);

/** Waits a bounded number of event-loop turns for a signal to be queued at the probe. */
async function signalQueuedWithinTurns(probe: { readonly _events: { readonly size: number } }): Promise<boolean> {
  for (let turn = 0; turn < MAX_TURNS; turn++) {
    if (probe._events.size > 0) return true;
    await flushStreams(1);
  }
  return probe._events.size > 0;
}

describe('completion needs no demand beyond the elements', () => {
  it(
    'array/range input → operator (placed at random) → probe: after exactly the predicted elements were requested and received, completion (or the empty-stream failure) follows without further demand',
    () =>
      fc.assert(
        fc.asyncProperty(
          eagerInputArb,
          eagerCaseArb,
          placementArb,
          scheduleArb,
          sinkPlacementArb,
          interpreterSettingsArb,
          async (input, c, placement: Placement, schedule, sinkBuffer, settings) => {
            const expected = c.oracle(input.xs);
            const total = Math.max(1, expected === 'fails' ? 0 : expected.length);
            const mat = newMaterializer(settings);
            try {
              const s = spy<unknown>();
              let sink = TestSink.probe<unknown>({ timeoutMs: HANG_MS });
              if (sinkBuffer !== undefined) sink = sink.async().withAttributes(Attributes.inputBuffer(sinkBuffer, sinkBuffer));
              const probe = place(input.source(), placement, c.stage).via(s.flow).toMat(sink, Keep.right).run(mat);
              const elements: unknown[] = [];
              let requested = 0;
              for (let i = 0; requested < total; i++) {
                const n = Math.min(total - requested, Number.isFinite(schedule[i % schedule.length]!) ? schedule[i % schedule.length]! : total);
                probe.request(n);
                requested += n;
                const want = expected === 'fails' ? 0 : Math.min(requested, expected.length);
                while (elements.length < want) {
                  const e = await nextSignal(probe);
                  if (e.kind !== 'next') throw new Error(`expected element #${elements.length}, got ${e.kind}`);
                  elements.push(e.value);
                }
              }
              expect(elements).toEqual(expected === 'fails' ? [] : expected);
              // No further request: the terminal signal must come on its own.
              const arrived = await signalQueuedWithinTurns(probe);
              expect(arrived, `no completion after all ${elements.length} elements were delivered and no further demand was signalled`).toBe(true);
              const e = await nextSignal(probe);
              if (expected === 'fails') {
                expect(e.kind).toBe('error');
                if (e.kind === 'error') expect(e.error).toBeInstanceOf(NoSuchElementError);
              } else {
                expect(e.kind).toBe('complete');
              }
              await expectAllIslandsStopped(mat);
              checkSpy(s.stats);
            } finally {
              mat.shutdown();
            }
          },
        ),
        { numRuns: runs(100) },
      ),
    PROPERTY_TIMEOUT,
  );
});
