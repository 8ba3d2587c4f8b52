/**
 * `recoverWith(pf)`: `recoverWithRetries(-1, pf)` under its own name (docs/operators/recoverWith.md).
 * Demand, the switch to the recovery source, failures of the recovery sources, supervision of a throwing
 * `pf`, cancellation — and a property over chains of failing recoveries.
 */

import { Attributes, Flow, Materializer, Sink, Source, Supervision } from '@tributary/core';
import { flushStreams, type TestPublisherProbe, TestSource, type TestSubscriberProbe } from '@tributary/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boom, probe } from './harness.js';

const quiet = new Materializer({ logger: null });

/** Emits `xs`, then fails with `e` (a map that throws on the end marker). */
function emitThenFail<T>(xs: readonly T[], e: Error): Source<T> {
  const end = Symbol('end');
  return Source.from<T | typeof end>([...xs, end]).map((x) => {
    if (x === end) throw e;
    return x;
  });
}

/**
 * recoverWith between probes, whose recovery source is a TestSource probe: requests one element, fails
 * upstream, and returns downstream and the (single) recovery probe once it is materialized.
 */
async function failedOverToProbe(): Promise<{ down: TestSubscriberProbe<number>; recovery: TestPublisherProbe<number> }> {
  const recoveries: TestPublisherProbe<number>[] = [];
  const recoverySource = TestSource.probe<number>().mapMaterializedValue((p) => (recoveries.push(p), undefined));
  const [up, down] = probe(Flow.create<number>().recoverWith(() => recoverySource));
  down.request(1);
  await up.expectRequest();
  up.sendError(boom());
  await flushStreams();
  expect(recoveries).toHaveLength(1);
  return { down, recovery: recoveries[0]! };
}

describe('recoverWith', () => {
  it('passes elements, demand and completion through while upstream does not fail', async () => {
    let calls = 0;
    const [up, down] = probe(Flow.create<number>().recoverWith(() => (calls++, Source.single(0))));
    down.request(2);
    expect(await up.expectRequest()).toBeGreaterThanOrEqual(1);
    up.sendNext(1);
    up.sendNext(2);
    await down.expectNextN([1, 2]);
    up.sendComplete();
    await down.expectComplete();
    expect(calls).toBe(0);
  });

  it('switches to the recovery source on failure and emits from it only on demand', async () => {
    const e = boom();
    const seen: unknown[] = [];
    const [up, down] = probe(Flow.create<number>().recoverWith((err) => (seen.push(err), Source.from([10, 11, 12]))));
    down.request(1);
    await up.expectRequest();
    up.sendNext(1);
    await down.expectNext(1);
    up.sendError(e);
    await flushStreams();
    await down.expectNoMessage(0);
    expect(seen).toEqual([e]);
    down.request(2);
    await down.expectNextN([10, 11]);
    await flushStreams();
    await down.expectNoMessage(0);
    down.request(1);
    await down.expectNext(12);
    await down.expectComplete();
  });

  it('asks the recovery source only for what downstream asked for', async () => {
    const { down, recovery } = await failedOverToProbe();
    expect(await recovery.expectRequest()).toBe(1); // downstream's one outstanding request, nothing ahead
    recovery.sendNext(7);
    await down.expectNext(7);
    await flushStreams();
    await recovery.expectNoMessage(0); // no demand downstream: no request upstream
    down.request(1);
    expect(await recovery.expectRequest()).toBe(1);
    recovery.sendNext(8);
    await down.expectNext(8);
    recovery.sendComplete();
    await down.expectComplete();
  });

  it('completes when the recovery source completes, after its elements', async () => {
    const out = await emitThenFail([1, 2], boom())
      .recoverWith(() => Source.from([3, 4]))
      .runWith(Sink.seq());
    expect(out).toEqual([1, 2, 3, 4]);
  });

  it('a failing recovery source is recovered again, with its own error, and keeps the elements it emitted', async () => {
    const e0 = boom('upstream');
    const e1 = boom('first recovery');
    const errors: unknown[] = [];
    const out = await emitThenFail([1], e0)
      .recoverWith((e) => {
        errors.push(e);
        return errors.length === 1 ? emitThenFail([2, 3], e1) : Source.single(4);
      })
      .runWith(Sink.seq());
    expect(out).toEqual([1, 2, 3, 4]);
    expect(errors).toEqual([e0, e1]);
  });

  it('pf returning undefined for a recovery source’s error fails the stream with that error', async () => {
    const e0 = boom('upstream');
    const e1 = boom('recovery');
    const out = emitThenFail([1], e0)
      .recoverWith((e) => (e === e0 ? emitThenFail([2], e1) : undefined))
      .runWith(Sink.seq(), quiet);
    await expect(out).rejects.toBe(e1);
  });

  it('has no limit on recoveries', async () => {
    let n = 0;
    const out = await Source.failed<number>(boom())
      .recoverWith(() => (++n < 300 ? Source.failed<number>(boom()) : Source.single(n)))
      .runWith(Sink.seq());
    expect(out).toEqual([300]);
  });

  it('supervision: pf throwing fails the stream with the thrown error under stop (the default)', async () => {
    const thrown = boom('thrown');
    const out = Source.failed<number>(boom('original'))
      .recoverWith(() => {
        throw thrown;
      })
      .runWith(Sink.seq(), quiet);
    await expect(out).rejects.toBe(thrown);
  });

  it.each([
    ['resume', Supervision.resume],
    ['restart', Supervision.restart],
  ] as const)('supervision: pf throwing under %s fails the stream with the error pf was given', async (_, decider) => {
    const original = boom('original');
    const fromRecovery = boom('recovery');
    const pf = (e: unknown): Source<number> => {
      // Source.failed, not emitThenFail: the recovery source inherits the decider, which would resume its map.
      if (e === original) return Source.failed<number>(fromRecovery);
      throw boom('thrown');
    };
    const flow = Flow.create<number>().recoverWith(pf).withAttributes(Attributes.supervisionStrategy(decider));
    const out = emitThenFail([0], original).via(flow).runWith(Sink.seq(), quiet);
    await expect(out).rejects.toBe(fromRecovery);
  });

  it('downstream cancellation cancels the running recovery source', async () => {
    const { down, recovery } = await failedOverToProbe();
    await recovery.expectRequest();
    down.cancel();
    await recovery.expectCancellation();
  });

  it('validates pf and names itself', () => {
    expect(() => Flow.create<number>().recoverWith(null as never)).toThrow(new TypeError('recoverWith: pf must be a function, got null'));
    expect(() => Source.single(1).recoverWith('x' as never)).toThrow(new TypeError('recoverWith: pf must be a function, got "x"'));
  });

  it('property: the output is what upstream and each recovery emitted before failing, then the last recovery', async () => {
    const segment = fc.array(fc.integer(), { maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(segment, fc.array(segment, { maxLength: 4 }), segment, async (before, failing, last) => {
        const errors: Error[] = [];
        const given: unknown[] = [];
        const fail = (xs: readonly number[]) => {
          const e = boom(`failure ${errors.length}`);
          errors.push(e);
          return emitThenFail(xs, e);
        };
        let next = 0;
        const out = await fail(before)
          .recoverWith((e) => {
            given.push(e);
            const i = next++;
            return i < failing.length ? fail(failing[i]!) : Source.from(last);
          })
          .runWith(Sink.seq());
        expect(out).toEqual([...before, ...failing.flat(), ...last]);
        expect(given).toEqual(errors);
      }),
      { numRuns: 40 },
    );
  });
});
