import { Flow, Keep, Materializer, NeverMaterializedException, Sink, Source } from '@tributary/core';
import { type TestPublisherProbe, TestSink, TestSource, type TestSubscriberProbe } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, QUIET_MS } from './harness.js';

const quiet = () => new Materializer({ logger: null });

function rig<I, O, M>(flow: Flow<I, O, Promise<M>>, mat?: Materializer): [TestPublisherProbe<I>, Promise<M>, TestSubscriberProbe<O>] {
  const [[up, m], down] = TestSource.probe<I>().viaMat(flow, Keep.both).toMat(TestSink.probe<O>(), Keep.both).run(mat);
  return [up, m, down];
}

/** A promise and its settle functions, settled by the test. */
function manual<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('Flow.lazyFlow', () => {
  it('creates the inner flow on the first element, feeds it that element, and resolves with its value', async () => {
    let created = 0;
    const [up, mat, down] = rig(
      Flow.lazyFlow(() => {
        created++;
        return Flow.create<number>()
          .map((x) => x * 10)
          .mapMaterializedValue(() => 'inner');
      }),
    );
    let settled = false;
    void mat.then(() => (settled = true));
    down.request(1);
    expect(await up.expectRequest()).toBe(1);
    expect(created).toBe(0);
    expect(settled).toBe(false);
    up.sendNext(1);
    await down.expectNext(10);
    expect(created).toBe(1);
    expect(await mat).toBe('inner');
    down.request(2);
    up.sendNext(2).sendNext(3).sendComplete();
    await down.expectNextN([20, 30]);
    await down.expectComplete();
    expect(created).toBe(1);
  });

  it('does not pull upstream before downstream asks', async () => {
    const [up, , down] = rig(Flow.lazyFlow(() => Flow.create<number>()));
    await up.expectNoMessageWhenIdle();
    down.request(1);
    expect(await up.expectRequest()).toBe(1);
    down.cancel();
  });

  it('upstream completing before the first element: never creates the flow, completes, rejects with NeverMaterializedException', async () => {
    let created = 0;
    const [up, mat, down] = rig(
      Flow.lazyFlow(() => {
        created++;
        return Flow.create<number>();
      }),
    );
    down.request(1);
    await up.expectRequest();
    up.sendComplete();
    await down.expectComplete();
    await expect(mat).rejects.toBeInstanceOf(NeverMaterializedException);
    expect(created).toBe(0);
  });

  it('upstream failing before the first element: fails downstream, rejects with NeverMaterializedException carrying the cause', async () => {
    const e = boom();
    const [up, mat, down] = rig(
      Flow.lazyFlow(() => Flow.create<number>()),
      quiet(),
    );
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    const err = await mat.catch((x: unknown) => x);
    expect(err).toBeInstanceOf(NeverMaterializedException);
    expect((err as Error).cause).toBe(e);
  });

  it('downstream cancelling before the first element cancels upstream and rejects', async () => {
    const [up, mat, down] = rig(Flow.lazyFlow(() => Flow.create<number>()));
    down.cancel();
    await up.expectCancellation();
    await expect(mat).rejects.toThrow('lazyFlow: the stream ended before the lazy flow was materialized');
  });

  it('create throwing fails the stream and rejects the value with that error', async () => {
    const e = boom();
    const [up, mat, down] = rig(
      Flow.lazyFlow<number, number, unknown>(() => {
        throw e;
      }),
      quiet(),
    );
    down.request(1);
    up.sendNext(1);
    expect(await down.expectError()).toBe(e);
    await expect(mat).rejects.toBe(e);
    await up.expectCancellation();
  });

  it('create returning something else than a flow fails clearly', async () => {
    const [up, mat, down] = rig(
      Flow.lazyFlow(() => Sink.ignore() as never),
      quiet(),
    );
    down.request(1);
    up.sendNext(1);
    const err = await down.expectError();
    expect(String(err)).toContain('lazyFlow: create must return a Flow (a graph with a FlowShape), got SinkShape');
    await expect(mat).rejects.toBe(err);
  });

  it('after creation, completion, failure and cancellation pass through the inner flow', async () => {
    const e = boom();
    const [up, , down] = rig(
      Flow.lazyFlow(() => Flow.create<number>()),
      quiet(),
    );
    down.request(1);
    up.sendNext(1);
    await down.expectNext(1);
    up.sendError(e);
    expect(await down.expectError()).toBe(e);

    const [up2, , down2] = rig(Flow.lazyFlow(() => Flow.create<number>()));
    down2.request(1);
    up2.sendNext(1);
    await down2.expectNext(1);
    down2.cancel();
    await up2.expectCancellation();
  });

  it('an inner flow that finishes early (take) completes downstream and cancels upstream', async () => {
    const [up, , down] = rig(Flow.lazyFlow(() => Flow.create<number>().take(2)));
    down.request(5);
    up.sendNextN([1, 2, 3]);
    await down.expectNextN([1, 2]);
    await down.expectComplete();
    await up.expectCancellation();
  });

  it('upstream completing right after the first element still delivers it', async () => {
    expect(
      await Source.single(5)
        .via(Flow.lazyFlow(() => Flow.create<number>().map((x) => x + 1)))
        .runWith(Sink.seq()),
    ).toEqual([6]);
  });

  it('each materialization creates its own inner flow', async () => {
    let n = 0;
    const flow = Flow.lazyFlow(() => {
      const k = ++n;
      return Flow.create<number>().map((x) => x * k);
    });
    expect(await Source.from([1, 2]).via(flow).runWith(Sink.seq())).toEqual([1, 2]);
    expect(await Source.from([1, 2]).via(flow).runWith(Sink.seq())).toEqual([2, 4]);
  });

  it('validates its argument', () => {
    expect(() => Flow.lazyFlow(null as never)).toThrow('Flow.lazyFlow: create must be a function, got null');
    expect(() => Flow.lazyPromiseFlow('x' as never)).toThrow('Flow.lazyPromiseFlow: create must be a function, got "x"');
  });
});

describe('Flow.lazyPromiseFlow', () => {
  it('the first element waits for the promised flow; no more elements are pulled meanwhile', async () => {
    const pending = manual<Flow<number, string, string>>();
    const [up, mat, down] = rig(Flow.lazyPromiseFlow(() => pending.promise));
    down.request(3);
    expect(await up.expectRequest()).toBe(1);
    up.sendNext(1);
    await up.expectNoMessageWhenIdle();
    await down.expectNoMessageWhenIdle();
    pending.resolve(
      Flow.create<number>()
        .map((x) => `#${x}`)
        .mapMaterializedValue(() => 'm'),
    );
    await down.expectNext('#1');
    expect(await mat).toBe('m');
    expect(await up.expectRequest()).toBe(1);
    up.sendNext(2).sendComplete();
    await down.expectNext('#2');
    await down.expectComplete();
  });

  it('upstream completing while the promise is pending: the first element still goes through, then completion', async () => {
    const pending = manual<Flow<number, number, unknown>>();
    const [up, , down] = rig(Flow.lazyPromiseFlow(() => pending.promise));
    down.request(2);
    up.sendNext(4).sendComplete();
    await down.expectNoMessageWhenIdle();
    pending.resolve(Flow.create<number>().map((x) => -x));
    await down.expectNext(-4);
    await down.expectComplete();
  });

  it('a rejected promise fails the stream and the value with that error', async () => {
    const e = boom();
    const [up, mat, down] = rig(
      Flow.lazyPromiseFlow<number, number, unknown>(() => Promise.reject(e)),
      quiet(),
    );
    down.request(1);
    up.sendNext(1);
    expect(await down.expectError()).toBe(e);
    await expect(mat).rejects.toBe(e);
  });

  it('create returning a non-promise fails clearly', async () => {
    const [up, , down] = rig(
      Flow.lazyPromiseFlow(() => Flow.create<number>() as never),
      quiet(),
    );
    down.request(1);
    up.sendNext(1);
    expect(String(await down.expectError())).toContain('lazyPromiseFlow: create must return a promise of a Flow');
  });

  it('cancelled while the promise is pending: cancels upstream, rejects, and ignores the late flow', async () => {
    const pending = manual<Flow<number, number, string>>();
    let materialized = false;
    const [up, mat, down] = rig(Flow.lazyPromiseFlow(() => pending.promise));
    down.request(1);
    up.sendNext(1);
    await down.expectNoMessageWhenIdle();
    down.cancel();
    await up.expectCancellation();
    await expect(mat).rejects.toBeInstanceOf(NeverMaterializedException);
    pending.resolve(
      Flow.create<number>().mapMaterializedValue(() => {
        materialized = true;
        return 'late';
      }),
    );
    await new Promise((r) => setTimeout(r, QUIET_MS));
    expect(materialized).toBe(false);
  });
});
