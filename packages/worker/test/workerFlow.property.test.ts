/**
 * Law: a flow of core operators gives the same output inside a WorkerFlow as in one process, whatever
 * the demand of downstream — and demand is never exceeded, exactly one terminal signal arrives, and no
 * worker thread outlives the stream.
 *
 * - threads 1: any pipeline of core operators (stateful ones, ones that drop or add elements, `take`
 *   that stops early, async boundaries inside the worker).
 * - threads 2..3, ordered: pipelines that emit one element per input and keep no state across elements
 *   (map, mapAsync, buffer, async boundaries) — the only flows for which N parallel copies can equal one;
 *   ordering must then hold exactly.
 *
 * Threads are expensive to start (each one loads the TypeScript loader here), so runs are few.
 */

import { Keep, Materializer, Sink, Source } from '@tributary/core';
import { type SubscriberEvent, TestSink } from '@tributary/testkit';
import { WorkerFlow } from '@tributary/worker';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildFlow, type OpSpec } from './fixtures/ops.js';

const opsModule = new URL('./fixtures/ops.ts', import.meta.url);
const HANG_MS = 20_000;

const anyOpArb: fc.Arbitrary<OpSpec> = fc.oneof(
  fc.record({ op: fc.constant('map' as const), a: fc.integer({ min: -3, max: 3 }), b: fc.integer({ min: -5, max: 5 }) }),
  fc.integer({ min: 2, max: 4 }).chain((m) => fc.record({ op: fc.constant('filter' as const), m: fc.constant(m), r: fc.integer({ min: 1, max: m - 1 }) })),
  fc.record({ op: fc.constant('mapConcat' as const), c: fc.integer({ min: 0, max: 2 }) }),
  fc.constant({ op: 'scan' as const }),
  fc.record({ op: fc.constant('grouped' as const), n: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ op: fc.constant('sliding' as const), n: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ op: fc.constant('take' as const), n: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ op: fc.constant('drop' as const), n: fc.integer({ min: 0, max: 10 }) }),
  fc.record({ op: fc.constant('takeWhile' as const), t: fc.integer({ min: -20, max: 60 }) }),
  fc.constant({ op: 'zipWithIndex' as const }),
  fc.record({ op: fc.constant('mapAsync' as const), p: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ op: fc.constant('buffer' as const), n: fc.integer({ min: 1, max: 8 }) }),
  fc.constant({ op: 'async' as const }),
);

const oneToOneOpArb: fc.Arbitrary<OpSpec> = fc.oneof(
  fc.record({ op: fc.constant('map' as const), a: fc.integer({ min: -3, max: 3 }), b: fc.integer({ min: -5, max: 5 }) }),
  fc.record({ op: fc.constant('mapAsync' as const), p: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ op: fc.constant('buffer' as const), n: fc.integer({ min: 1, max: 8 }) }),
  fc.constant({ op: 'async' as const }),
);

/** One request: a batch of 1..7, sometimes unbounded. */
const scheduleArb = fc.array(fc.oneof({ arbitrary: fc.integer({ min: 1, max: 7 }), weight: 8 }, { arbitrary: fc.constant(Infinity), weight: 1 }), {
  minLength: 1,
  maxLength: 6,
});
const xsArb = fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 120 });
/** Small buffers and batches cross more boundaries per element. */
const sizesArb = fc.integer({ min: 0, max: 3 }).chain((k) => {
  const bufferSize = [1, 2, 8, 64][k]!;
  return fc.record({ bufferSize: fc.constant(bufferSize), batchSize: fc.integer({ min: 1, max: bufferSize }) });
});

type Terminal = { kind: 'complete' } | { kind: 'error'; error: unknown };

/** Runs `xs` through a WorkerFlow into a probe, requesting the batches of `schedule` (cycled). */
async function runUnderDemand(
  xs: readonly number[],
  specs: readonly OpSpec[],
  schedule: readonly number[],
  options: { threads: number; bufferSize: number; batchSize: number },
) {
  const mat = new Materializer({ logger: null });
  const flow = WorkerFlow.create<number, number>(opsModule, { ...options, ordered: true, workerData: specs });
  const [handle, probe] = Source.from(xs)
    .viaMat(flow, Keep.right)
    .toMat(TestSink.probe<number>({ timeoutMs: HANG_MS }), Keep.both)
    .run(mat);
  const elements: number[] = [];
  let requested = 0;
  let terminal: Terminal | undefined;
  for (let i = 0; terminal === undefined; i++) {
    const n = schedule[i % schedule.length]!;
    probe.request(n);
    requested += n;
    const wanted = Math.min(requested, elements.length + n);
    while (terminal === undefined && elements.length < wanted) {
      const e: SubscriberEvent<number> = await probe._events.next(HANG_MS, 'an element, completion or failure');
      if (e.kind === 'next') elements.push(e.value);
      else terminal = e.kind === 'complete' ? { kind: 'complete' } : { kind: 'error', error: e.error };
      expect(elements.length).toBeLessThanOrEqual(requested);
    }
    if (n === Infinity && terminal === undefined) {
      const e = await probe._events.next(HANG_MS, 'completion or failure');
      if (e.kind === 'next') throw new Error('an element arrived after unbounded demand was fully served');
      terminal = e.kind === 'complete' ? { kind: 'complete' } : { kind: 'error', error: e.error };
    }
  }
  // Nothing after the terminal signal.
  expect(await probe._events.poll(20)).toBeUndefined();
  await handle.terminated;
  expect(handle.threadIds).toEqual([]);
  return { elements, terminal };
}

/** The reference: the same flow in this process. */
function inProcess(xs: readonly number[], specs: readonly OpSpec[]): Promise<number[]> {
  return Source.from(xs)
    .via(buildFlow(specs))
    .runWith(Sink.seq<number>(), new Materializer({ logger: null }));
}

describe('WorkerFlow ≡ the same flow in one process', () => {
  it(
    'threads 1: any pipeline of core operators, under random demand',
    () =>
      fc.assert(
        fc.asyncProperty(xsArb, fc.array(anyOpArb, { maxLength: 5 }), scheduleArb, sizesArb, async (xs, specs, schedule, sizes) => {
          const expected = await inProcess(xs, specs);
          const { elements, terminal } = await runUnderDemand(xs, specs, schedule, { threads: 1, ...sizes });
          expect(terminal).toEqual({ kind: 'complete' });
          expect(elements).toEqual(expected);
        }),
        { numRuns: 12 },
      ),
    300_000,
  );

  it(
    'threads 2..3, ordered: one-output-per-input pipelines keep their exact order, under random demand',
    () =>
      fc.assert(
        fc.asyncProperty(
          xsArb,
          fc.array(oneToOneOpArb, { maxLength: 4 }),
          scheduleArb,
          sizesArb,
          fc.integer({ min: 2, max: 3 }),
          async (xs, specs, schedule, sizes, threads) => {
            const expected = await inProcess(xs, specs);
            const { elements, terminal } = await runUnderDemand(xs, specs, schedule, { threads, ...sizes });
            expect(terminal).toEqual({ kind: 'complete' });
            expect(elements).toEqual(expected);
          },
        ),
        { numRuns: 8 },
      ),
    300_000,
  );
});
