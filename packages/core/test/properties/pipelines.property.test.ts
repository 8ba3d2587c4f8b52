/**
 * Whole pipelines against composed array oracles:
 * - fused chains: `Source.range` / `Source.from(array)` followed directly by map/filter/filterNot/collect
 *   (which fuse into the source at build time) equal the same Array pipeline;
 * - random operator pipelines cut into random segments (directly on the source, in a Flow, or in an
 *   async Flow with a random input buffer), fed by randomly chunked or async inputs, drained under
 *   random demand, equal the composition of the operators' array oracles.
 */

import { Sink, Source } from '@tributary/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeTerminal,
  expectAllIslandsStopped,
  type Input,
  inputArb,
  interpreterSettingsArb,
  labelled,
  newMaterializer,
  PROPERTY_TIMEOUT,
  RUNS,
  runs,
  runUnderDemand,
  scheduleArb,
  sinkPlacementArb,
  xsArb,
} from './harness.js';
import { anyOpArb, buildPipeline, fusableOpArb, type Pipeline, pipelineOracle, type Segment, segmentsArb } from './ops.js';
import { mod, rangeOracle } from './oracles.js';

/** The sync fusion hosts: ranges (both directions) and arrays. */
const fusionHostArb: fc.Arbitrary<Input> = fc.oneof(
  fc
    .tuple(fc.integer({ min: -30, max: 30 }), fc.integer({ min: -30, max: 30 }), fc.constantFrom(-3, -2, -1, 1, 2, 3))
    .map(([start, end, step]) =>
      labelled({ xs: rangeOracle(start, end, step), source: () => Source.range(start, end, step) }, `Source.range(${start}, ${end}, ${step})`),
    ),
  xsArb.map((xs) => labelled({ xs, source: () => Source.from(xs) }, `Source.from(${JSON.stringify(xs)})`)),
);

/** A chain of fusable operators applied directly on the source (so all of it fuses into one stage). */
const fusedChainArb: fc.Arbitrary<Pipeline> = fc.array(fusableOpArb, { maxLength: 6 }).map((list): Segment[] => {
  const placement = labelled({ mode: 'direct' as const }, 'direct');
  return list.length === 0 ? [] : [labelled({ ops: list, placement }, `direct[${list.map((o) => o.label).join(' → ')}]`)];
});

const pipelineArb: fc.Arbitrary<Pipeline> = segmentsArb(anyOpArb, 4, 3);

describe('pipelines equal their composed array oracles', () => {
  it(
    'fused chains: range/from(array) followed by map/filter/filterNot/collect ≈ the same Array pipeline (Sink.seq)',
    () =>
      fc.assert(
        fc.asyncProperty(fusionHostArb, fusedChainArb, interpreterSettingsArb, async (input, pipeline, settings) => {
          const mat = newMaterializer(settings);
          try {
            const result = await buildPipeline(input.source(), pipeline).runWith(Sink.seq<number>(), mat);
            expect(result).toEqual(pipelineOracle(pipeline, input.xs));
            await expectAllIslandsStopped(mat);
          } finally {
            mat.shutdown();
          }
        }),
        { numRuns: runs(100) },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'fused chains under random demand ≈ the same Array pipeline; demand never exceeded',
    () =>
      fc.assert(
        fc.asyncProperty(fusionHostArb, fusedChainArb, scheduleArb, interpreterSettingsArb, async (input, pipeline, schedule, settings) => {
          const out = await runUnderDemand(buildPipeline(input.source(), pipeline), schedule, { settings });
          expect(describeTerminal(out.terminal)).toBe('complete');
          expect(out.elements).toEqual(pipelineOracle(pipeline, input.xs));
        }),
        { numRuns: runs(100) },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'long fused chains whose filter rejects runs longer than the per-pull skip bound (1024) ≈ the same Array pipeline, under random demand',
    () =>
      fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 5000 }),
          fc.integer({ min: 1, max: 3000 }),
          fc.nat(),
          fc.boolean(),
          scheduleArb,
          interpreterSettingsArb,
          async (n, every, offset, fromArray, schedule, settings) => {
            const keep = (x: number) => mod(x, every) === offset % every;
            const xs = rangeOracle(1, n);
            const src = fromArray ? Source.from(xs) : Source.range(1, n);
            const out = await runUnderDemand(
              src
                .map((x) => x * 3)
                .filter((y) => keep(y / 3))
                .map((y) => y + 1),
              schedule,
              { settings },
            );
            expect(describeTerminal(out.terminal)).toBe('complete');
            expect(out.elements).toEqual(
              xs
                .map((x) => x * 3)
                .filter((y) => keep(y / 3))
                .map((y) => y + 1),
            );
          },
        ),
        { numRuns: runs(50) },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'random pipelines with random async boundaries, input buffers {1,2,4,16} and chunked inputs ≈ composed oracles under random demand',
    () =>
      fc.assert(
        fc.asyncProperty(
          inputArb,
          pipelineArb,
          scheduleArb,
          sinkPlacementArb,
          interpreterSettingsArb,
          async (input, pipeline, schedule, sinkBuffer, settings) => {
            const out = await runUnderDemand(buildPipeline(input.source(), pipeline), schedule, { asyncSinkBuffer: sinkBuffer, settings });
            expect(describeTerminal(out.terminal)).toBe('complete');
            expect(out.elements).toEqual(pipelineOracle(pipeline, input.xs));
          },
        ),
        { numRuns: runs(100) },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'random pipelines with random async boundaries ≈ composed oracles with unbounded demand (Sink.seq); all islands stop',
    () =>
      fc.assert(
        fc.asyncProperty(inputArb, pipelineArb, interpreterSettingsArb, async (input, pipeline, settings) => {
          const mat = newMaterializer(settings);
          try {
            const result = await buildPipeline(input.source(), pipeline).runWith(Sink.seq<number>(), mat);
            expect(result).toEqual(pipelineOracle(pipeline, input.xs));
            await expectAllIslandsStopped(mat);
          } finally {
            mat.shutdown();
          }
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'materializations share nothing: one blueprint run twice concurrently gives the oracle result twice',
    () =>
      fc.assert(
        fc.asyncProperty(inputArb, pipelineArb, interpreterSettingsArb, async (input, pipeline, settings) => {
          const mat = newMaterializer(settings);
          try {
            const blueprint = buildPipeline(input.source(), pipeline);
            const [a, b] = await Promise.all([blueprint.runWith(Sink.seq<number>(), mat), blueprint.runWith(Sink.seq<number>(), mat)]);
            const expected = pipelineOracle(pipeline, input.xs);
            expect(a).toEqual(expected);
            expect(b).toEqual(expected);
            await expectAllIslandsStopped(mat);
          } finally {
            mat.shutdown();
          }
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );
});
