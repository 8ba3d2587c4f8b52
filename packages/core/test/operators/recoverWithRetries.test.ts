import { Attributes, Flow, Materializer, Sink, Source, Supervision } from '@tributary/core';
import { settle, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, probe } from './harness.js';

const quiet = new Materializer({ logger: null });

/** Emits `x`, then fails with `e`. */
function thenFail(x: number, e: Error): Source<number> {
  return Source.from([x, NaN]).map((v) => {
    if (Number.isNaN(v)) throw e;
    return v;
  });
}

describe('recoverWithRetries', () => {
  it('switches to the recovery source on failure and emits from it only on demand', async () => {
    const [up, down] = probe(Flow.create<number>().recoverWithRetries(1, () => Source.from([10, 11, 12])));
    down.request(1);
    await up.expectRequest();
    up.sendNext(1);
    await down.expectNext(1);
    up.sendError(boom());
    await down.expectNoMessageWhenIdle();
    down.request(2);
    await down.expectNextN([10, 11]);
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext(12);
    await down.expectComplete();
  });

  it('asks pf again when the recovery source fails, up to `attempts` times, then fails with the last error', async () => {
    const errors: unknown[] = [];
    const e0 = boom('e0');
    const e1 = boom('e1');
    const e2 = boom('e2');
    const out = Source.failed<number>(e0)
      .recoverWithRetries(2, (e) => {
        errors.push(e);
        return errors.length === 1 ? thenFail(1, e1) : thenFail(2, e2);
      })
      .runWith(Sink.seq(), quiet);
    await expect(out).rejects.toBe(e2);
    expect(errors).toEqual([e0, e1]);
  });

  it('attempts = 0 never recovers', async () => {
    const e = boom();
    let calls = 0;
    await expect(
      Source.failed<number>(e)
        .recoverWithRetries(0, () => (calls++, Source.single(1)))
        .runWith(Sink.seq(), quiet),
    ).rejects.toBe(e);
    expect(calls).toBe(0);
  });

  it('attempts = -1 recovers without limit', async () => {
    let n = 0;
    const out = await Source.failed<number>(boom())
      .recoverWithRetries(-1, () => (++n < 50 ? Source.failed<number>(boom()) : Source.single(n)))
      .runWith(Sink.seq());
    expect(out).toEqual([50]);
  });

  it('pf returning undefined lets the failure pass', async () => {
    const e = boom();
    await expect(
      Source.failed<number>(e)
        .recoverWithRetries(3, () => undefined)
        .runWith(Sink.seq(), quiet),
    ).rejects.toBe(e);
  });

  it('downstream cancellation cancels the running recovery source', async () => {
    const [up, down] = probe(Flow.create<number>().recoverWithRetries(1, () => recoveryProbe));
    const recoveryProbe = TestSource.probe<number>().mapMaterializedValue((p) => (recovery.push(p), undefined));
    const recovery: { expectCancellation(): Promise<unknown>; sendNext(x: number): unknown; expectRequest(): Promise<number> }[] = [];
    down.request(1);
    await up.expectRequest();
    up.sendError(boom());
    await settle();
    expect(recovery).toHaveLength(1);
    await recovery[0]!.expectRequest();
    recovery[0]!.sendNext(5);
    await down.expectNext(5);
    down.cancel();
    await recovery[0]!.expectCancellation();
  });

  it('completes normally when upstream completes', async () => {
    expect(
      await Source.from([1, 2])
        .recoverWithRetries(1, () => Source.single(0))
        .runWith(Sink.seq()),
    ).toEqual([1, 2]);
  });

  it('pf throwing: stop fails with the thrown error; resume with the original', async () => {
    const original = boom('original');
    const thrown = boom('thrown');
    const pf = (): never => {
      throw thrown;
    };
    await expect(Source.failed<number>(original).recoverWithRetries(1, pf).runWith(Sink.seq(), quiet)).rejects.toBe(thrown);
    const resumed = Source.failed<number>(original).via(
      Flow.create<number>().recoverWithRetries(1, pf).withAttributes(Attributes.supervisionStrategy(Supervision.resume)),
    );
    await expect(resumed.runWith(Sink.seq(), quiet)).rejects.toBe(original);
  });

  it('validates its arguments', () => {
    expect(() => Flow.create<number>().recoverWithRetries(-2, () => undefined)).toThrow(
      /recoverWithRetries: attempts must be an integer >= -1 \(-1 = no limit\), got -2/,
    );
    expect(() => Flow.create<number>().recoverWithRetries(1.5, () => undefined)).toThrow(RangeError);
    expect(() => Flow.create<number>().recoverWithRetries(1, null as never)).toThrow(/recoverWithRetries: pf must be a function/);
  });
});

describe('recoverWith', () => {
  it('recovers without limit', async () => {
    let n = 0;
    expect(
      await Source.failed<string>(boom())
        .recoverWith(() => (++n < 5 ? Source.failed<string>(boom()) : Source.from(['ok'])))
        .runWith(Sink.seq()),
    ).toEqual(['ok']);
    expect(n).toBe(5);
  });

  it('names itself in errors', () => {
    expect(() => Flow.create<number>().recoverWith('x' as never)).toThrow(/recoverWith: pf must be a function/);
  });
});
