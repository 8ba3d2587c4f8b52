import { Attributes, Flow, type NotUsed, Sink, Source, Supervision } from '@tributary/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { boom, probe } from './harness.js';

describe('recover', () => {
  it('passes elements through on demand, then emits the recovery element and completes', async () => {
    const [up, down] = probe(Flow.create<number>().recover(() => -1));
    down.request(1);
    await up.expectRequest();
    up.sendNext(1);
    await down.expectNext(1);
    up.sendError(boom());
    await down.expectNoMessageWhenIdle(); // the recovery element waits for demand
    down.request(1);
    await down.expectNext(-1);
    await down.expectComplete();
  });

  it('emits the recovery element at once when downstream already pulled', async () => {
    const [up, down] = probe(Flow.create<number>().recover(() => -1));
    down.request(5);
    await up.expectRequest();
    up.sendError(boom());
    await down.expectNext(-1);
    await down.expectComplete();
  });

  it('lets the failure pass unchanged when pf returns undefined for it', async () => {
    const e = boom('not mine');
    const [up, down] = probe(Flow.create<number>().recover((err) => (err instanceof RangeError ? 0 : undefined)));
    down.request(1);
    await up.expectRequest();
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('completes normally when upstream completes (pf not called)', async () => {
    let calls = 0;
    const out = await Source.from([1, 2])
      .recover(() => (calls++, 0))
      .runWith(Sink.seq());
    expect(out).toEqual([1, 2]);
    expect(calls).toBe(0);
  });

  it('receives the original error object', async () => {
    const e = boom();
    let seen: unknown;
    await Source.failed<number>(e)
      .recover((err) => ((seen = err), 1))
      .runWith(Sink.seq());
    expect(seen).toBe(e);
  });

  it('cancellation travels upstream', async () => {
    const [up, down] = probe(Flow.create<number>().recover(() => 0));
    down.request(1);
    await up.expectRequest();
    down.cancel();
    await up.expectCancellation();
  });

  it('fails with what pf threw (stop), or with the original error (resume)', async () => {
    const original = boom('original');
    const thrown = boom('thrown');
    const pf = (): number => {
      throw thrown;
    };
    await expect(Source.failed<number>(original).recover(pf).runWith(Sink.seq())).rejects.toBe(thrown);
    const resumed = Source.failed<number>(original).via(Flow.create<number>().recover(pf).withAttributes(Attributes.supervisionStrategy(Supervision.resume)));
    await expect(resumed.runWith(Sink.seq())).rejects.toBe(original);
  });

  it('types: the recovery element widens the element type; the receiver kind is kept', () => {
    expectTypeOf(Source.range(1, 2).recover(() => -1)).toEqualTypeOf<Source<number, NotUsed>>();
    expectTypeOf(Source.range(1, 2).recover(() => 'none')).toEqualTypeOf<Source<number | string, NotUsed>>();
    expectTypeOf(Flow.create<string>().recoverWithRetries(1, () => Source.single(0))).toEqualTypeOf<Flow<string, string | number, NotUsed>>();
    expectTypeOf(Flow.create<string>().mapError(() => new Error())).toEqualTypeOf<Flow<string, string, NotUsed>>();
  });

  it('validates pf at build time', () => {
    expect(() => Source.empty<number>().recover(42 as never)).toThrow(/recover: pf must be a function/);
  });
});
