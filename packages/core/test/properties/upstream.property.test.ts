/**
 * A few operators between a TestSource probe and a TestSink probe, driven by a random interleaving of
 * upstream sends, downstream requests, event-loop turns and (after the last send) upstream completion.
 *
 * Invariants, observed after every turn:
 * - upstream never has more than one request outstanding (the operator pulls at most once per element);
 * - upstream demand is bounded by downstream demand (map/take: one pull per downstream pull,
 *   grouped(n): n per group, take(n): never more than n in total; filter: unbounded by design);
 * - downstream never receives more than it requested;
 * and at the end: every sent element arrives downstream exactly once, in order (through the operator's
 * oracle), the stream completes, take cancels its upstream once satisfied, all islands stop.
 */

import { Flow } from '@tributary/core';
import { flushStreams, TestSink, TestSource } from '@tributary/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkSpy,
  drainSignals,
  expectAllIslandsStopped,
  HANG_MS,
  type InterpreterSettings,
  interpreterSettingsArb,
  labelled,
  newMaterializer,
  nextSignal,
  PROPERTY_TIMEOUT,
  RUNS,
  spy,
  type Terminal,
  valueArb,
} from './harness.js';
import { predArb } from './ops.js';
import { groupedOracle } from './oracles.js';

type Action =
  | { readonly kind: 'send'; readonly value: number; readonly turn: boolean }
  | { readonly kind: 'request'; readonly n: number; readonly turn: boolean };

interface Script {
  readonly actions: readonly Action[];
  /** sendComplete() (or sendError) is issued before action `completeAt` (= actions.length: after the last action). */
  readonly completeAt: number;
  /** How upstream ends: completion, or failure with a fresh error. */
  readonly end: 'complete' | 'error';
}

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('send' as const), value: valueArb, turn: fc.boolean() }),
  fc.record({ kind: fc.constant('request' as const), n: fc.integer({ min: 1, max: 4 }), turn: fc.boolean() }),
);

const scriptArb: fc.Arbitrary<Script> = fc
  .tuple(fc.array(actionArb, { maxLength: 60 }), fc.nat(), fc.constantFrom('complete' as const, 'complete' as const, 'error' as const))
  .map(([actions, r, end]) => {
    let lastSend = -1;
    actions.forEach((a, i) => {
      if (a.kind === 'send') lastSend = i;
    });
    const completeAt = lastSend + 1 + (r % (actions.length - lastSend));
    const steps = actions.map((a) => (a.kind === 'send' ? `send(${a.value})` : `request(${a.n})`) + (a.turn ? ' ↻' : ''));
    steps.splice(completeAt, 0, end === 'complete' ? 'sendComplete' : 'sendError');
    return labelled({ actions, completeAt, end }, steps.join(', '));
  });

interface Case<T> {
  readonly flow: Flow<number, T>;
  readonly oracle: (sent: readonly number[]) => T[];
  /** Upstream requests allowed per downstream pull (Infinity: unbounded). */
  readonly perPull: number;
  /** Upstream requests allowed in total. */
  readonly total: number;
  /** Number of elements after which the operator cancels its upstream (take). */
  readonly cancelsAfter?: number;
}

async function runScript<T>(c: Case<T>, script: Script, settings: InterpreterSettings): Promise<void> {
  const mat = newMaterializer(settings);
  try {
    const s = spy<number>();
    const [pub, sub] = Flow.create<number>()
      .via(s.flow)
      .via(c.flow)
      .runWith(TestSource.probe<number>({ timeoutMs: HANG_MS }), TestSink.probe<T>({ timeoutMs: HANG_MS }), mat);
    const sent: number[] = [];
    const elements: T[] = [];
    let terminal: Terminal | undefined;
    let requested = 0;
    let upstreamRequests = 0;
    let cancelled = false;

    const record = (e: { kind: 'next'; value: T } | { kind: 'complete' } | { kind: 'error'; error: unknown }) => {
      if (terminal !== undefined) throw new Error(`signal ${e.kind} after termination`);
      if (e.kind === 'next') elements.push(e.value);
      else terminal = e.kind === 'complete' ? { kind: 'complete' } : { kind: 'error', error: e.error };
      if (elements.length > requested) throw new Error(`demand exceeded downstream: ${elements.length} elements, ${requested} requested`);
    };
    const observe = async () => {
      if (pub.pending > 1) throw new Error(`upstream has ${pub.pending} requests outstanding`);
      while (pub._events.size > 0) {
        const e = await pub._events.next(HANG_MS, 'a queued upstream signal');
        if (cancelled) throw new Error(`upstream signal ${e.kind} after cancellation`);
        if (e.kind === 'request') upstreamRequests += e.n;
        else cancelled = true;
      }
      for (const e of await drainSignals(sub)) record(e);
      const pullsDownstream = Math.min(requested, elements.length + 1);
      if (upstreamRequests > c.perPull * pullsDownstream) {
        throw new Error(`upstream saw ${upstreamRequests} requests for ${pullsDownstream} downstream pulls (allowed ${c.perPull} per pull)`);
      }
      if (upstreamRequests > c.total) throw new Error(`upstream saw ${upstreamRequests} requests, allowed ${c.total}`);
    };

    const { actions, completeAt } = script;
    const upstreamError = new Error('upstream failed');
    for (let i = 0; i <= actions.length; i++) {
      if (i === completeAt) {
        if (script.end === 'complete') pub.sendComplete();
        else pub.sendError(upstreamError);
      }
      const a = actions[i];
      if (a === undefined) break;
      if (a.kind === 'send') {
        pub.sendNext(a.value);
        sent.push(a.value);
      } else {
        sub.request(a.n);
        requested += a.n;
      }
      if (a.turn) {
        await flushStreams(1);
        await observe();
      }
    }
    await flushStreams(1);
    await observe();
    if (terminal === undefined) {
      sub.request(Infinity);
      requested = Infinity;
      while (terminal === undefined) record(await nextSignal(sub));
    }
    await expectAllIslandsStopped(mat);
    await observe();

    const expected = c.oracle(sent);
    const satisfied = c.cancelsAfter !== undefined && elements.length >= c.cancelsAfter;
    if (script.end === 'complete' || satisfied) {
      expect(terminal).toEqual({ kind: 'complete' });
      expect(elements).toEqual(expected);
    } else {
      // sendError drops what upstream had queued but not emitted: a prefix of the expected elements arrives, then the same error object
      expect(terminal?.kind).toBe('error');
      if (terminal?.kind === 'error') expect(terminal.error).toBe(upstreamError);
      expect(elements).toEqual(expected.slice(0, elements.length));
    }
    // Upstream cannot complete while sent elements are still queued, so then it must see the cancellation;
    // an upstream failure, however, may race the cancellation and stop the source first.
    if (c.cancelsAfter !== undefined && c.cancelsAfter < sent.length && script.end === 'complete') {
      expect(cancelled, 'upstream cancelled once the operator needed no more').toBe(true);
    }
    if (c.cancelsAfter === undefined) expect(cancelled, 'upstream not cancelled').toBe(false);
    checkSpy(s.stats);
    expect(s.stats.upstreamPushes).toBe(upstreamRequests - pub.pending);
  } finally {
    mat.shutdown();
  }
}

describe('random send/request interleavings between two probes', () => {
  it(
    'map: ≤ 1 upstream request outstanding, one upstream request per downstream pull, every sent element arrives once, in order (a prefix, then the same error, if upstream fails)',
    () =>
      fc.assert(
        fc.asyncProperty(scriptArb, fc.integer({ min: -3, max: 3 }), interpreterSettingsArb, async (script, a, settings) => {
          const f = (x: number) => a * x + 1;
          await runScript({ flow: Flow.create<number>().map(f), oracle: (xs) => xs.map(f), perPull: 1, total: Infinity }, script, settings);
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'filter: ≤ 1 upstream request outstanding, every sent element that passes arrives once, in order (a prefix, then the same error, if upstream fails)',
    () =>
      fc.assert(
        fc.asyncProperty(scriptArb, predArb, interpreterSettingsArb, async (script, { p }, settings) => {
          await runScript({ flow: Flow.create<number>().filter(p), oracle: (xs) => xs.filter(p), perPull: Infinity, total: Infinity }, script, settings);
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'grouped(n): ≤ 1 upstream request outstanding, ≤ n upstream requests per downstream pull, every sent element arrives once, in order, in chunks of n (full chunks, then the same error, if upstream fails)',
    () =>
      fc.assert(
        fc.asyncProperty(scriptArb, fc.integer({ min: 1, max: 5 }), interpreterSettingsArb, async (script, n, settings) => {
          await runScript({ flow: Flow.create<number>().grouped(n), oracle: (xs) => groupedOracle(xs, n), perPull: n, total: Infinity }, script, settings);
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'take(n): ≤ 1 upstream request outstanding, ≤ n upstream requests in total, the first n sent elements arrive once, in order, then upstream is cancelled (an earlier upstream failure arrives as the same error)',
    () =>
      fc.assert(
        fc.asyncProperty(scriptArb, fc.integer({ min: 0, max: 20 }), interpreterSettingsArb, async (script, n, settings) => {
          await runScript({ flow: Flow.create<number>().take(n), oracle: (xs) => xs.slice(0, n), perPull: 1, total: n, cancelsAfter: n }, script, settings);
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );
});
