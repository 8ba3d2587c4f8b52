/**
 * Termination: whatever ends a stream — completion, downstream cancellation at a random point, or a
 * user function throwing at a random element — every island of its (fresh) materializer stops, i.e.
 * every stage's postStop ran, and a spy stage inserted at a random position ran preStart and postStop
 * exactly once. A failure reaches downstream as the very error object that was thrown.
 */

import { AbruptTerminationException, Keep, Sink } from '@tributary/core';
import { flushStreams, TestSink } from '@tributary/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkSpy,
  describeTerminal,
  expectAllIslandsStopped,
  HANG_MS,
  type Input,
  type InterpreterSettings,
  inputArb,
  interpreterSettingsArb,
  labelled,
  newMaterializer,
  nextSignal,
  PROPERTY_TIMEOUT,
  place,
  placementArb,
  RUNS,
  runs,
  runUnderDemand,
  scheduleArb,
  sinkPlacementArb,
  spy,
  type Terminal,
} from './harness.js';
import { anyOpArb, buildPipeline, elementwiseOpArb, insertAt, type Pipeline, pipelineOracle, segmentsArb, spyOp } from './ops.js';

const pipelineArb = segmentsArb(anyOpArb, 3, 3);

/** When to shut the materializer down: synchronously after run(), after n microtasks, or after n event-loop turns. */
type ShutdownPoint = { readonly kind: 'sync' } | { readonly kind: 'microtasks' | 'turns'; readonly n: number };
/** Points after the stream's first batch (scheduled as a microtask by run()). */
const shutdownPointArb: fc.Arbitrary<ShutdownPoint> = fc.oneof(
  fc.integer({ min: 1, max: 6 }).map((n) => labelled<ShutdownPoint>({ kind: 'microtasks', n }, `after ${n} microtask(s)`)),
  fc.integer({ min: 1, max: 4 }).map((n) => labelled<ShutdownPoint>({ kind: 'turns', n }, `after ${n} event-loop turn(s)`)),
);

describe('termination: every island stops and every postStop runs exactly once', () => {
  it(
    'a completed run (Sink.seq) leaves no running island; a spy at a random position ran preStart and postStop exactly once',
    () =>
      fc.assert(
        fc.asyncProperty(inputArb, pipelineArb, fc.nat(), interpreterSettingsArb, async (input, pipeline, at, settings) => {
          const mat = newMaterializer(settings);
          try {
            const s = spy<number>();
            const withSpy = insertAt(pipeline, at % (pipeline.length + 1), spyOp(s));
            const result = await buildPipeline(input.source(), withSpy).runWith(Sink.seq<number>(), mat);
            expect(result).toEqual(pipelineOracle(pipeline, input.xs));
            await expectAllIslandsStopped(mat);
            checkSpy(s.stats);
          } finally {
            mat.shutdown();
          }
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'a completed run under random demand leaves no running island; spies before and after the pipeline ran postStop exactly once',
    () =>
      fc.assert(
        fc.asyncProperty(
          inputArb,
          pipelineArb,
          fc.nat(),
          scheduleArb,
          sinkPlacementArb,
          interpreterSettingsArb,
          async (input, pipeline, at, schedule, sinkBuffer, settings) => {
            const inner = spy<number>();
            const last = spy<number>();
            const withSpy = insertAt(pipeline, at % (pipeline.length + 1), spyOp(inner));
            const out = await runUnderDemand(buildPipeline(input.source(), withSpy).via(last.flow), schedule, { asyncSinkBuffer: sinkBuffer, settings });
            expect(describeTerminal(out.terminal)).toBe('complete');
            expect(out.elements).toEqual(pipelineOracle(pipeline, input.xs));
            expect(out.materializer.runningIslands).toBe(0);
            checkSpy(inner.stats, 'spy inside the pipeline');
            checkSpy(last.stats, 'spy before the sink');
            expect(last.stats.endedBy).toEqual(['upstreamFinish']);
            expect(last.stats.downstreamPushes).toBe(out.elements.length);
          },
        ),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'cancelling downstream after a random number of elements: what arrived is a prefix of the oracle, every island stops, the spy ran postStop exactly once',
    () =>
      fc.assert(
        fc.asyncProperty(
          inputArb,
          pipelineArb,
          fc.nat(),
          fc.nat({ max: 30 }),
          scheduleArb,
          sinkPlacementArb,
          interpreterSettingsArb,
          async (input, pipeline, at, cancelAfter, schedule, sinkBuffer, settings) => {
            const mat = newMaterializer(settings);
            try {
              const s = spy<number>();
              const withSpy = insertAt(pipeline, at % (pipeline.length + 1), spyOp(s));
              let sink = TestSink.probe<number>({ timeoutMs: HANG_MS });
              if (sinkBuffer !== undefined) sink = sink.async();
              const probe = buildPipeline(input.source(), withSpy).toMat(sink, Keep.right).run(mat);
              const elements: number[] = [];
              let terminal: Terminal | undefined;
              let requested = 0;
              for (let i = 0; terminal === undefined && elements.length < cancelAfter; i++) {
                const n = schedule[i % schedule.length]!;
                probe.request(n);
                requested += n;
                while (terminal === undefined && elements.length < Math.min(requested, cancelAfter)) {
                  const e = await nextSignal(probe);
                  if (e.kind === 'next') elements.push(e.value);
                  else terminal = e.kind === 'complete' ? { kind: 'complete' } : { kind: 'error', error: e.error };
                }
              }
              if (terminal === undefined) probe.cancel();
              await expectAllIslandsStopped(mat, 'downstream cancelled');
              const expected = pipelineOracle(pipeline, input.xs);
              expect(elements).toEqual(expected.slice(0, elements.length));
              if (terminal !== undefined) expect(describeTerminal(terminal)).toBe('complete');
              checkSpy(s.stats);
            } finally {
              mat.shutdown();
            }
          },
        ),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  /** Runs a random pipeline with a spy into Sink.seq, shuts the materializer down at `when`, and checks the aftermath. */
  async function shutdownRun(input: Input, pipeline: Pipeline, at: number, when: ShutdownPoint, settings: InterpreterSettings): Promise<void> {
    const mat = newMaterializer(settings);
    const s = spy<number>();
    const withSpy = insertAt(pipeline, at % (pipeline.length + 1), spyOp(s));
    const result = buildPipeline(input.source(), withSpy).runWith(Sink.seq<number>(), mat);
    const settled = result.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    if (when.kind === 'microtasks') for (let i = 0; i < when.n; i++) await Promise.resolve();
    if (when.kind === 'turns') await flushStreams(when.n);
    mat.shutdown(); // when.kind === 'sync': right after run(), before the stream's first batch
    expect(mat.runningIslands, 'islands still running right after shutdown()').toBe(0);
    const r = await settled;
    if (r.ok) expect(r.value).toEqual(pipelineOracle(pipeline, input.xs));
    else expect(r.error).toBeInstanceOf(AbruptTerminationException);
    checkSpy(s.stats, 'spy', { mayBeAborted: true });
  }

  it(
    'materializer.shutdown() at a random point after the stream started: every island stops at once, the spy ran preStart and postStop exactly once, Sink.seq settles (result or AbruptTerminationException)',
    () =>
      fc.assert(
        fc.asyncProperty(inputArb, pipelineArb, fc.nat(), shutdownPointArb, interpreterSettingsArb, async (input, pipeline, at, when, settings) => {
          await shutdownRun(input, pipeline, at, when, settings);
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'materializer.shutdown() synchronously after run(), before the first batch: every island stops, and every stage runs preStart before its one postStop (never postStop alone)',
    () =>
      fc.assert(
        fc.asyncProperty(inputArb, pipelineArb, fc.nat(), interpreterSettingsArb, async (input, pipeline, at, settings) => {
          await shutdownRun(input, pipeline, at, labelled<ShutdownPoint>({ kind: 'sync' }, 'synchronously after run()'), settings);
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'a map throwing at a random element fails the stream with exactly that error after the elements before it; every island stops; spy postStop once',
    () =>
      fc.assert(
        fc.asyncProperty(
          inputArb,
          segmentsArb(anyOpArb, 2, 2),
          placementArb,
          segmentsArb(elementwiseOpArb, 2, 2),
          fc.nat(),
          fc.boolean(),
          scheduleArb,
          sinkPlacementArb,
          interpreterSettingsArb,
          async (input, pre, failPlacement, post, kRaw, spyAfter, schedule, sinkBuffer, settings) => {
            const ys = pipelineOracle(pre, input.xs); // what reaches the throwing map
            const k = kRaw % (ys.length + 1); // k = ys.length: the map never throws
            const boom = new Error(`boom at element ${k}`);
            let calls = 0;
            const throwing = (x: number) => {
              if (calls++ === k) throw boom;
              return x;
            };
            const s = spy<number>();
            // input → pre → [spy] → map(throwing) (direct, in a Flow or async) → [spy] → post (element-wise) → probe
            let src = buildPipeline(input.source(), pre);
            if (!spyAfter) src = src.via(s.flow);
            src = place(src, failPlacement, (st) => st.map(throwing));
            if (spyAfter) src = src.via(s.flow);
            src = buildPipeline(src, post);

            const out = await runUnderDemand(src, schedule, { asyncSinkBuffer: sinkBuffer, settings });
            expect(out.materializer.runningIslands).toBe(0);
            checkSpy(s.stats);
            if (k < ys.length) {
              expect(out.terminal.kind, `expected failure, got ${describeTerminal(out.terminal)}`).toBe('error');
              if (out.terminal.kind === 'error') expect(out.terminal.error).toBe(boom);
              expect(out.elements).toEqual(pipelineOracle(post, ys.slice(0, k)));
              if (spyAfter) {
                expect(s.stats.endedBy).toEqual(['upstreamFailure']);
                expect(s.stats.failure).toBe(boom);
              } else if (s.stats.endedBy[0] === 'downstreamFinish') {
                expect(s.stats.cancelCause).toBe(boom);
              }
            } else {
              expect(describeTerminal(out.terminal)).toBe('complete');
              expect(out.elements).toEqual(pipelineOracle(post, ys));
            }
          },
        ),
        { numRuns: runs(100) },
      ),
    PROPERTY_TIMEOUT,
  );
});
