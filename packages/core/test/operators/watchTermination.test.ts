import { AbruptTerminationException, Flow, Keep, Materializer, type NotUsed, Sink, Source } from '@tributary/core';
import { settle, TestSink, TestSource } from '@tributary/testkit';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { boom } from './harness.js';

const quiet = new Materializer({ logger: null });

describe('watchTermination', () => {
  it('passes elements through on demand and resolves when upstream completes', async () => {
    const [[up, done], down] = TestSource.probe<number>().watchTermination(Keep.both).toMat(TestSink.probe<number>(), Keep.both).run();
    let settled = false;
    void done.then(() => (settled = true));
    down.request(1);
    await up.expectRequest();
    up.sendNext(1);
    await down.expectNext(1);
    await settle();
    expect(settled).toBe(false);
    up.sendComplete();
    await down.expectComplete();
    await expect(done).resolves.toBeUndefined();
  });

  it('rejects with the upstream failure', async () => {
    const e = boom();
    const [done, result] = Source.failed<number>(e).watchTermination().toMat(Sink.ignore(), Keep.both).run(quiet);
    await expect(done).rejects.toBe(e);
    await expect(result).rejects.toBe(e);
  });

  it('resolves when downstream cancels because it needs no more', async () => {
    const [done, out] = Source.repeat(1).watchTermination().take(2).toMat(Sink.seq(), Keep.both).run();
    expect(await out).toEqual([1, 1]);
    await expect(done).resolves.toBeUndefined();
  });

  it('rejects with the cause when downstream cancels with a failure', async () => {
    const e = boom();
    const [done, out] = Source.repeat(1)
      .watchTermination()
      .toMat(
        Sink.foreach(() => {
          throw e;
        }),
        Keep.both,
      )
      .run(quiet);
    await expect(out).rejects.toBe(e);
    await expect(done).rejects.toBe(e);
  });

  it('rejects with AbruptTerminationException on materializer shutdown', async () => {
    const mat = new Materializer({ logger: null });
    const done = Source.never<number>()
      .watchTermination()
      .to(Sink.onComplete(() => {}))
      .run(mat);
    await settle(mat);
    mat.shutdown();
    await expect(done).rejects.toBeInstanceOf(AbruptTerminationException);
  });

  it('combines with the upstream materialized value; a dropped promise never becomes an unhandled rejection', async () => {
    const src = Source.lazySource(() => Source.single(1)).watchTermination((m, done) => ({ m, done }));
    expectTypeOf(src).toEqualTypeOf<Source<number, { m: Promise<NotUsed>; done: Promise<void> }>>();
    const { done } = src.to(Sink.ignore()).run();
    await done;
    // Keep.left drops the promise; its rejection must not surface as unhandled.
    await Source.failed<number>(boom())
      .watchTermination(Keep.left)
      .toMat(Sink.ignore(), Keep.right)
      .run(quiet)
      .catch(() => {});
    await new Promise((r) => setTimeout(r, 10));
  });

  it('works on a Flow (materialized value types)', async () => {
    const flow = Flow.create<number>().watchTermination();
    expectTypeOf(flow).toEqualTypeOf<Flow<number, number, Promise<void>>>();
    const [, done] = Source.from([1, 2]).viaMat(flow, Keep.right).toMat(Sink.seq(), Keep.both).run();
    await expect(done).resolves.toEqual([1, 2]);
  });

  it('validates combine', () => {
    expect(() => Source.empty<number>().watchTermination(42 as never)).toThrow(/watchTermination: combine must be a function/);
  });
});
