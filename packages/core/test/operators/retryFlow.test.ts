import { Attributes, Flow, Keep, Materializer, RetryFlow, Sink, Source, Supervision } from '@tributary/core';
import { TestSink, TestSource, VirtualScheduler } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom } from './harness.js';

function virtual() {
  const scheduler = new VirtualScheduler();
  return { scheduler, mat: new Materializer({ scheduler, logger: null }) };
}

interface Attempt {
  readonly id: string;
  readonly attempt: number;
}
type Outcome = { readonly id: string; readonly ok: boolean; readonly attempt: number };

/** A call that succeeds on attempt `okAt[id]` (default: the first). */
function service(okAt: Record<string, number>, calls: Attempt[]) {
  return Flow.create<Attempt>().map((a): Outcome => {
    calls.push(a);
    return { id: a.id, ok: a.attempt >= (okAt[a.id] ?? 0), attempt: a.attempt };
  });
}

const retryFailed = (a: Attempt, r: Outcome): Attempt | undefined => (r.ok ? undefined : { id: a.id, attempt: a.attempt + 1 });

describe('RetryFlow.withBackoff', () => {
  it('emits results that need no retry, in order, one element in flight at a time, on demand', async () => {
    const calls: Attempt[] = [];
    const flow = RetryFlow.withBackoff(10, 100, 0, 3, service({}, calls), retryFailed);
    const [up, down] = flow.runWith(TestSource.probe<Attempt>(), TestSink.probe<Outcome>());
    down.request(1);
    await up.expectRequest();
    up.sendNext({ id: 'a', attempt: 0 });
    await down.expectNext({ id: 'a', ok: true, attempt: 0 });
    await up.expectNoMessageWhenIdle();
    down.request(1);
    await up.expectRequest();
    up.sendNext({ id: 'b', attempt: 0 }).sendComplete();
    await down.expectNext({ id: 'b', ok: true, attempt: 0 });
    await down.expectComplete();
    expect(calls.map((c) => c.id)).toEqual(['a', 'b']);
  });

  it('retries with exponential backoff (virtual time) and emits the first good result', async () => {
    const { scheduler, mat } = virtual();
    const calls: Attempt[] = [];
    const times: number[] = [];
    const flow = RetryFlow.withBackoff(
      100,
      1000,
      0,
      5,
      service({ a: 3 }, calls).map((r) => (times.push(scheduler.now()), r)),
      retryFailed,
    );
    const down = Source.single<Attempt>({ id: 'a', attempt: 0 }).via(flow).runWith(TestSink.probe<Outcome>(), mat);
    down.request(1);
    await scheduler.advance(0);
    await scheduler.advance(1000);
    await down.expectNext({ id: 'a', ok: true, attempt: 3 });
    await down.expectComplete();
    expect(times).toEqual([0, 100, 300, 700]);
    mat.shutdown();
  });

  it('emits the last result when maxRetries is used up', async () => {
    const { scheduler, mat } = virtual();
    const calls: Attempt[] = [];
    const out = Source.single<Attempt>({ id: 'x', attempt: 0 })
      .via(RetryFlow.withBackoff(10, 10, 0, 2, service({ x: 99 }, calls), retryFailed))
      .runWith(Sink.seq(), mat);
    await scheduler.advance(100);
    expect(await out).toEqual([{ id: 'x', ok: false, attempt: 2 }]);
    expect(calls).toHaveLength(3);
    mat.shutdown();
  });

  it('keeps jitter within [delay, delay · (1 + randomFactor)]', async () => {
    const { scheduler, mat } = virtual();
    const times: number[] = [];
    const flow = RetryFlow.withBackoff(
      100,
      10_000,
      0.3,
      6,
      Flow.create<number>().map((x) => (times.push(scheduler.now()), x)),
      (x) => (x < 6 ? x + 1 : undefined),
    );
    const out = Source.single(0).via(flow).runWith(Sink.seq(), mat);
    await scheduler.advance(60_000);
    expect(await out).toEqual([6]);
    for (let i = 1; i < times.length; i++) {
      const base = 100 * 2 ** (i - 1);
      expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(base);
      expect(times[i]! - times[i - 1]!).toBeLessThanOrEqual(base * 1.3);
    }
    mat.shutdown();
  });

  it('materializes the wrapped flow value', async () => {
    const flow = RetryFlow.withBackoff(1, 1, 0, 1, Flow.create<number>().watchTermination(), () => undefined);
    const [done, out] = Source.from([1, 2]).viaMat(flow, Keep.right).toMat(Sink.seq(), Keep.both).run();
    expect(await out).toEqual([1, 2]);
    await expect(done).resolves.toBeUndefined();
  });

  it('fails, naming the stage, when the wrapped flow emits more than one element per element', async () => {
    const err = await Source.single(1)
      .via(
        RetryFlow.withBackoff(
          1,
          1,
          0,
          1,
          Flow.create<number>().mapConcat((x) => [x, x]),
          () => undefined,
        ),
      )
      .runWith(Sink.seq(), new Materializer({ logger: null }))
      .catch((e: unknown) => e);
    expect(String(err)).toMatch(/retryFlow: the wrapped flow emitted an element nobody sent it/);
  });

  it('decideRetry throwing: stop fails the stream, resume drops the element', async () => {
    const e = boom();
    const decide = (x: number): number | undefined => {
      if (x === 2) throw e;
      return undefined;
    };
    await expect(
      Source.from([1, 2, 3])
        .via(RetryFlow.withBackoff(1, 1, 0, 1, Flow.create<number>(), decide))
        .runWith(Sink.seq(), new Materializer({ logger: null })),
    ).rejects.toBe(e);
    const resumed = RetryFlow.withBackoff(1, 1, 0, 1, Flow.create<number>(), decide).withAttributes(Attributes.supervisionStrategy(Supervision.resume));
    expect(await Source.from([1, 2, 3]).via(resumed).runWith(Sink.seq())).toEqual([1, 3]);
  });

  it('a failing wrapped flow fails the stream', async () => {
    const e = boom();
    const flow = Flow.create<number>().map(() => {
      throw e;
    });
    await expect(
      Source.single(1)
        .via(RetryFlow.withBackoff(1, 1, 0, 1, flow, () => undefined))
        .runWith(Sink.seq(), new Materializer({ logger: null })),
    ).rejects.toBe(e);
  });

  it('downstream cancellation cancels upstream', async () => {
    const [up, down] = RetryFlow.withBackoff(1, 1, 0, 1, Flow.create<number>(), () => undefined).runWith(TestSource.probe<number>(), TestSink.probe<number>());
    down.request(1);
    await up.expectRequest();
    down.cancel();
    await up.expectCancellation();
  });

  it('validates its arguments', () => {
    const f = Flow.create<number>();
    expect(() => RetryFlow.withBackoff(-1, 1, 0, 1, f, () => undefined)).toThrow(
      /RetryFlow.withBackoff: minBackoff must be a non-negative finite number of milliseconds, got -1/,
    );
    expect(() => RetryFlow.withBackoff(1, 1, 0, -1, f, () => undefined)).toThrow(/RetryFlow.withBackoff: maxRetries must be a non-negative integer, got -1/);
    expect(() => RetryFlow.withBackoff(1, 1, 0, 1, f, null as never)).toThrow(/RetryFlow.withBackoff: decideRetry must be a function/);
    expect(() => RetryFlow.withBackoff(1, 1, 0, 1, Source.single(1) as never, () => undefined)).toThrow(
      /RetryFlow.withBackoff: flow must be a flow-shaped graph/,
    );
  });
});
