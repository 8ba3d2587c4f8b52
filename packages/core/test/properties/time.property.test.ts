/**
 * Properties of the time area's operators (mapAsync family, buffers, rate operators) against array
 * oracles, under random inputs, placements (fused, Flow, async island), demand schedules, interpreter
 * chunking and random settle timing of the async user functions. Every run also checks (through
 * `runUnderDemand` and a spy after the operator) that demand is never exceeded, exactly one terminal
 * signal arrives, every island stops and postStop runs once.
 *
 * The laws:
 * - mapAsync(p, f) emits exactly xs.map(f), in order; never more than p calls in flight.
 * - mapAsyncUnordered(p, f) emits a permutation of xs.map(f); never more than p calls in flight.
 * - mapAsyncPartitioned(p, k, f) emits exactly xs.map(f); never more than p calls in flight, never two
 *   calls of one partition at once, and each partition's calls happen in element order.
 * - Sink.foreachAsync(p, f) calls f once per element; never more than p calls in flight.
 * - scanAsync / foldAsync equal scan / fold.
 * - buffer(n, backpressure), detach, delay(0), expand(x => [x]), extrapolate(x => []) are the identity.
 * - conflate(+) preserves the sum; batch(max) / batchWeighted / groupedWithin emit non-empty chunks
 *   within their limits whose concatenation is xs.
 */

import { DelayOverflowStrategy, Materializer, OverflowStrategy, Sink } from '@tributary/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkSpy,
  type Input,
  inputArb,
  interpreterSettingsArb,
  labelled,
  type Placement,
  PROPERTY_TIMEOUT,
  place,
  placementArb,
  runs,
  runUnderDemand,
  type StageFn,
  scheduleArb,
  sinkPlacementArb,
  spy,
} from './harness.js';
import { foldOracle, scanOracle } from './oracles.js';

const RUNS = runs(40);

/** How long each call takes to settle: 0 = synchronously resolved promise, k = k microtask hops, -1 = an event-loop turn. */
const settleArb: fc.Arbitrary<number[]> = fc.array(
  fc.oneof({ arbitrary: fc.integer({ min: 0, max: 4 }), weight: 5 }, { arbitrary: fc.constant(-1), weight: 1 }),
  {
    minLength: 1,
    maxLength: 8,
  },
);

async function settleAfter(k: number): Promise<void> {
  if (k < 0) await new Promise<void>((r) => setImmediate(r));
  else for (let i = 0; i < k; i++) await Promise.resolve();
}

/** Counts concurrent calls of an async function (overall, and per key). */
class Concurrency {
  inFlight = 0;
  max = 0;
  private readonly perKey = new Map<unknown, number>();
  maxPerKey = 0;
  readonly order = new Map<unknown, number[]>();
  enter(key?: unknown, x?: number): void {
    this.inFlight++;
    this.max = Math.max(this.max, this.inFlight);
    if (key !== undefined) {
      const n = (this.perKey.get(key) ?? 0) + 1;
      this.perKey.set(key, n);
      this.maxPerKey = Math.max(this.maxPerKey, n);
      const seen = this.order.get(key) ?? [];
      seen.push(x!);
      this.order.set(key, seen);
    }
  }
  leave(key?: unknown): void {
    this.inFlight--;
    if (key !== undefined) this.perKey.set(key, this.perKey.get(key)! - 1);
  }
}

const f = (x: number): number => x * 3 - 1;
const parallelismArb = fc.integer({ min: 1, max: 6 });

/** Runs `input` through `op` placed by `p`, with a spy after it, under `schedule`. */
async function run<B>(input: Input, p: Placement, op: StageFn<number, B>, schedule: number[], sinkBuffer: number | undefined, settings: object) {
  const s = spy<B>();
  const out = await runUnderDemand(place(input.source(), p, op).via(s.flow), schedule, { asyncSinkBuffer: sinkBuffer, settings });
  checkSpy(s.stats);
  return out;
}

const common = { input: inputArb, placement: placementArb, schedule: scheduleArb, sinkBuffer: sinkPlacementArb, settings: interpreterSettingsArb };

describe('time operators: properties', () => {
  it(
    'mapAsync(p, f) emits xs.map(f) in order with at most p calls in flight',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.record({ ...common, p: parallelismArb, settle: settleArb }),
          async ({ input, placement, schedule, sinkBuffer, settings, p, settle }) => {
            const c = new Concurrency();
            const op: StageFn<number, number> = (s) =>
              s.mapAsync(p, async (x) => {
                c.enter();
                await settleAfter(settle[Math.abs(x) % settle.length]!);
                c.leave();
                return f(x);
              });
            const out = await run(input, placement, op, schedule, sinkBuffer, settings);
            expect(out.terminal.kind).toBe('complete');
            expect(out.elements).toEqual(input.xs.map(f));
            expect(c.max).toBeLessThanOrEqual(p);
          },
        ),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'mapAsyncUnordered(p, f) emits a permutation of xs.map(f) with at most p calls in flight',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.record({ ...common, p: parallelismArb, settle: settleArb }),
          async ({ input, placement, schedule, sinkBuffer, settings, p, settle }) => {
            const c = new Concurrency();
            const op: StageFn<number, number> = (s) =>
              s.mapAsyncUnordered(p, async (x) => {
                c.enter();
                await settleAfter(settle[Math.abs(x) % settle.length]!);
                c.leave();
                return f(x);
              });
            const out = await run(input, placement, op, schedule, sinkBuffer, settings);
            expect(out.terminal.kind).toBe('complete');
            const byValue = (a: number, b: number) => a - b;
            expect(out.elements.slice().sort(byValue)).toEqual(input.xs.map(f).sort(byValue));
            expect(c.max).toBeLessThanOrEqual(p);
          },
        ),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'mapAsyncPartitioned(p, k, f) emits xs.map(f); at most p calls, one per partition, each partition in order',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.record({ ...common, p: parallelismArb, settle: settleArb, partitions: fc.integer({ min: 1, max: 4 }) }),
          async ({ input, placement, schedule, sinkBuffer, settings, p, settle, partitions }) => {
            const c = new Concurrency();
            const key = (x: number) => Math.abs(x) % partitions;
            const op: StageFn<number, number> = (s) =>
              s.mapAsyncPartitioned(p, key, async (x, k) => {
                c.enter(k, x);
                await settleAfter(settle[Math.abs(x) % settle.length]!);
                c.leave(k);
                return f(x);
              });
            const out = await run(input, placement, op, schedule, sinkBuffer, settings);
            expect(out.terminal.kind).toBe('complete');
            expect(out.elements).toEqual(input.xs.map(f));
            expect(c.max).toBeLessThanOrEqual(p);
            expect(c.maxPerKey).toBeLessThanOrEqual(1);
            for (const [k, seen] of c.order) expect(seen).toEqual(input.xs.filter((x) => key(x) === k));
          },
        ),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'Sink.foreachAsync(p, f) calls f once per element with at most p calls in flight',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.record({ input: inputArb, p: parallelismArb, settle: settleArb }), async ({ input, p, settle }) => {
          const c = new Concurrency();
          const seen: number[] = [];
          await input.source().runWith(
            Sink.foreachAsync(p, async (x: number) => {
              c.enter();
              await settleAfter(settle[Math.abs(x) % settle.length]!);
              seen.push(x);
              c.leave();
            }),
            new Materializer({ logger: null }),
          );
          expect(c.inFlight).toBe(0);
          expect(seen.sort((a, b) => a - b)).toEqual(input.xs.slice().sort((a, b) => a - b));
          expect(c.max).toBeLessThanOrEqual(p);
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'scanAsync and foldAsync equal scan and fold',
    async () => {
      const step = (acc: number, x: number) => acc * 2 + x;
      await fc.assert(
        fc.asyncProperty(
          fc.record({ ...common, settle: settleArb, fold: fc.boolean() }),
          async ({ input, placement, schedule, sinkBuffer, settings, settle, fold }) => {
            const g = async (acc: number, x: number) => {
              await settleAfter(settle[Math.abs(x) % settle.length]!);
              return step(acc, x) % 1_000_003;
            };
            const op: StageFn<number, number> = fold ? (s) => s.foldAsync(1, g) : (s) => s.scanAsync(1, g);
            const out = await run(input, placement, op, schedule, sinkBuffer, settings);
            expect(out.terminal.kind).toBe('complete');
            const syncStep = (acc: number, x: number) => step(acc, x) % 1_000_003;
            expect(out.elements).toEqual(fold ? foldOracle(input.xs, 1, syncStep) : scanOracle(input.xs, 1, syncStep));
          },
        ),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT,
  );

  const identities: [string, StageFn<number, number>][] = [
    ['buffer(1, backpressure)', (s) => s.buffer(1, OverflowStrategy.backpressure)],
    ['buffer(3, backpressure)', (s) => s.buffer(3, OverflowStrategy.backpressure)],
    ['detach()', (s) => s.detach()],
    ['delay(0, backpressure)', (s) => s.delay(0, DelayOverflowStrategy.backpressure)],
    ['expand(x => [x])', (s) => s.expand((x) => [x])],
    ['extrapolate(x => [])', (s) => s.extrapolate(() => [])],
    ['throttle(1000, 1) (never limiting here)', (s) => s.throttle(1000, 1, { maximumBurst: 1000 })],
  ];

  it(
    'buffer(backpressure), detach, delay(0), expand(x => [x]), extrapolate(x => []) and an idle throttle are the identity',
    async () => {
      const opArb = fc.constantFrom(...identities.map(([name, op]) => labelled({ op }, name)));
      await fc.assert(
        fc.asyncProperty(fc.record({ ...common, op: opArb }), async ({ input, placement, schedule, sinkBuffer, settings, op }) => {
          const out = await run(input, placement, op.op, schedule, sinkBuffer, settings);
          expect(out.terminal.kind).toBe('complete');
          expect(out.elements).toEqual(input.xs);
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'conflate preserves the sum; batch, batchWeighted and groupedWithin chunk xs within their limits',
    async () => {
      const kindArb = fc.constantFrom('conflate', 'batch', 'batchWeighted', 'groupedWithin');
      await fc.assert(
        fc.asyncProperty(
          fc.record({ ...common, kind: kindArb, max: fc.integer({ min: 1, max: 5 }) }),
          async ({ input, placement, schedule, sinkBuffer, settings, kind, max }) => {
            const weight = (x: number) => Math.abs(x) % 3;
            if (kind === 'conflate') {
              const out = await run<number>(input, placement, (s) => s.conflate((a: number, b: number) => a + b), schedule, sinkBuffer, settings);
              expect(out.terminal.kind).toBe('complete');
              expect(out.elements.reduce((a, b) => a + b, 0)).toBe(input.xs.reduce((a, b) => a + b, 0));
              expect(out.elements.length).toBeLessThanOrEqual(input.xs.length);
              return;
            }
            const op: StageFn<number, number[]> =
              kind === 'batch'
                ? (s) =>
                    s.batch(
                      max,
                      (x) => [x],
                      (acc: number[], x) => [...acc, x],
                    )
                : kind === 'batchWeighted'
                  ? (s) =>
                      s.batchWeighted(
                        max,
                        weight,
                        (x) => [x],
                        (acc: number[], x) => [...acc, x],
                      )
                  : (s) => s.groupedWithin(max, 60_000);
            const out = await run(input, placement, op, schedule, sinkBuffer, settings);
            expect(out.terminal.kind).toBe('complete');
            expect(out.elements.flat()).toEqual(input.xs);
            for (const chunk of out.elements) {
              expect(chunk.length).toBeGreaterThan(0);
              if (kind === 'batchWeighted') {
                if (chunk.length > 1) expect(chunk.reduce((a, x) => a + weight(x), 0)).toBeLessThanOrEqual(max);
              } else {
                expect(chunk.length).toBeLessThanOrEqual(max);
              }
            }
          },
        ),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT,
  );
});
