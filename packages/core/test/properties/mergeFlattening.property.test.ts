/**
 * A chain of `merge`/`mergeAll` calls (built as one junction, see ../operators/mergeFlattening.test.ts)
 * behaves as the nested two-input junctions it stands for, under random inputs, demand schedules and
 * interpreter chunking: the same elements with each input's order kept, the same completion; with a
 * failing input, the same error and each input's elements a prefix of it; with `take(m)` downstream,
 * `min(m, total)` elements. Only the interleaving between inputs may differ (a merge does not specify
 * it). The reference is built with GraphDSL and `Merge.create(2)`, which is never flattened.
 */

import { GraphDSL, Keep, Merge, Source, SourceShape } from '@tributary/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeTerminal,
  type Input,
  inputArb,
  interpreterSettingsArb,
  PROPERTY_TIMEOUT,
  RUNS,
  runUnderDemand,
  scheduleArb,
  sinkPlacementArb,
} from './harness.js';

type Tagged = [number, number];

/** Tags each element of input `i` with its origin and position. */
const tagged = (input: Input, i: number): Source<Tagged> =>
  input
    .source()
    .zipWithIndex()
    .map(([, k]) => [i, k] as Tagged);

/** `sources` merged by the DSL, as `merge` and `mergeAll` calls grouped by `groups` (each call takes 1–3 sources). */
function flattened(sources: Source<Tagged>[], groups: readonly number[], eager: boolean): Source<Tagged> {
  let s = sources[0]!;
  let i = 1;
  for (let g = 0; i < sources.length; g++) {
    const size = Math.min(groups[g % groups.length]!, sources.length - i);
    s = size === 1 && g % 2 === 0 ? s.merge(sources[i]!, eager) : s.mergeAll(sources.slice(i, i + size), eager);
    i += size;
  }
  return s;
}

/** The same merges as left-deep nested two-input junctions. */
function nested(sources: Source<Tagged>[], eager: boolean): Source<Tagged> {
  return sources.slice(1).reduce(
    (left, right) =>
      Source.fromGraph(
        GraphDSL.createWith([left, right], Keep.left, (b, l, r) => {
          const m = b.add(Merge.create<Tagged>(2, { eagerComplete: eager }));
          b.from(l).to(m.in(0));
          b.from(r).to(m.in(1));
          return new SourceShape(m.out);
        }),
      ),
    sources[0]!,
  );
}

/** Each input's elements in `out` are its first elements, in order (all of them when `complete`). */
function expectPerInputPrefixes(out: readonly Tagged[], lengths: readonly number[], complete: boolean): void {
  lengths.forEach((n, i) => {
    const ks = out.filter(([src]) => src === i).map(([, k]) => k);
    expect(ks).toEqual(Array.from({ length: complete ? n : ks.length }, (_, k) => k));
    expect(ks.length).toBeLessThanOrEqual(n);
  });
}

const sorted = (out: readonly Tagged[]) => [...out].sort((p, q) => p[0] - q[0] || p[1] - q[1]);

const caseArb = fc.record({
  inputs: fc.array(inputArb, { minLength: 2, maxLength: 6 }),
  groups: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 }),
  schedule: scheduleArb,
  sinkBuffer: sinkPlacementArb,
  settings: interpreterSettingsArb,
});

describe('flattened merges ≡ nested merges', () => {
  it(
    'the same elements, each input in order, and completion',
    () =>
      fc.assert(
        fc.asyncProperty(caseArb, async ({ inputs, groups, schedule, sinkBuffer, settings }) => {
          const sources = () => inputs.map(tagged);
          const lengths = inputs.map((x) => x.xs.length);
          const options = { asyncSinkBuffer: sinkBuffer, settings };
          const flat = await runUnderDemand(flattened(sources(), groups, false), schedule, options);
          const ref = await runUnderDemand(nested(sources(), false), schedule, options);
          expect(describeTerminal(flat.terminal)).toBe('complete');
          expect(describeTerminal(ref.terminal)).toBe('complete');
          expect(sorted(flat.elements)).toEqual(sorted(ref.elements));
          expectPerInputPrefixes(flat.elements, lengths, true);
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'a failing input fails both with its error; what went out before is a prefix of each input',
    () =>
      fc.assert(
        fc.asyncProperty(caseArb, fc.nat(), fc.boolean(), async ({ inputs, groups, schedule, sinkBuffer, settings }, which, eager) => {
          const failing = which % inputs.length;
          const error = new Error(`input ${failing} failed`);
          const sources = () => inputs.map((x, i) => (i === failing ? tagged(x, i).concat(Source.failed<Tagged>(error)) : tagged(x, i)));
          const lengths = inputs.map((x) => x.xs.length);
          const options = { asyncSinkBuffer: sinkBuffer, settings };
          const flat = await runUnderDemand(flattened(sources(), groups, eager), schedule, options);
          const ref = await runUnderDemand(nested(sources(), eager), schedule, options);
          for (const { terminal } of [flat, ref]) {
            // with eagerComplete, another input completing first may complete the stream instead
            if (eager && terminal.kind === 'complete') continue;
            expect(terminal).toEqual({ kind: 'error', error });
          }
          expectPerInputPrefixes(flat.elements, lengths, false);
          expectPerInputPrefixes(ref.elements, lengths, false);
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'take(m) downstream: min(m, total) elements, each input a prefix, every input cancelled',
    () =>
      fc.assert(
        fc.asyncProperty(caseArb, fc.integer({ min: 0, max: 60 }), async ({ inputs, groups, schedule, sinkBuffer, settings }, m) => {
          const sources = () => inputs.map(tagged);
          const lengths = inputs.map((x) => x.xs.length);
          const total = lengths.reduce((a, n) => a + n, 0);
          const options = { asyncSinkBuffer: sinkBuffer, settings };
          // runUnderDemand checks that every island stopped: no input is left running after the take
          const flat = await runUnderDemand(flattened(sources(), groups, false).take(m), schedule, options);
          const ref = await runUnderDemand(nested(sources(), false).take(m), schedule, options);
          expect(describeTerminal(flat.terminal)).toBe('complete');
          expect(flat.elements.length).toBe(Math.min(m, total));
          expect(ref.elements.length).toBe(Math.min(m, total));
          expectPerInputPrefixes(flat.elements, lengths, m >= total);
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'eagerComplete: both complete, each input a prefix; with every input non-empty and never ending but one, that one decides',
    () =>
      fc.assert(
        fc.asyncProperty(caseArb, fc.nat(), async ({ inputs, groups, schedule, sinkBuffer, settings }, which) => {
          // every input but one never completes: the stream completes when that one does, in both forms
          const ending = which % inputs.length;
          const sources = () => inputs.map((x, i) => (i === ending ? tagged(x, i) : tagged(x, i).concat(Source.never<Tagged>())));
          const lengths = inputs.map((x) => x.xs.length);
          const options = { asyncSinkBuffer: sinkBuffer, settings };
          const flat = await runUnderDemand(flattened(sources(), groups, true), schedule, options);
          const ref = await runUnderDemand(nested(sources(), true), schedule, options);
          expect(describeTerminal(flat.terminal)).toBe('complete');
          expect(describeTerminal(ref.terminal)).toBe('complete');
          expectPerInputPrefixes(flat.elements, lengths, false);
          expectPerInputPrefixes(ref.elements, lengths, false);
          // the input that ended went out whole before completion
          expect(flat.elements.filter(([src]) => src === ending).length).toBe(lengths[ending]);
          expect(ref.elements.filter(([src]) => src === ending).length).toBe(lengths[ending]);
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );
});
