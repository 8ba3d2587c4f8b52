import { Flow, Keep, Materializer, RestartFlow, RestartSettings, Sink, Source } from '@tributary/core';
import { TestSink, TestSource, VirtualScheduler } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom } from './harness.js';

function virtual() {
  const scheduler = new VirtualScheduler();
  return { scheduler, mat: new Materializer({ scheduler, logger: null }) };
}

/** Runs `flow` between probes on `mat`. */
function probes<I, O, M>(flow: Flow<I, O, M>, mat: Materializer) {
  const [[up, m], down] = TestSource.probe<I>().viaMat(flow, Keep.both).toMat(TestSink.probe<O>(), Keep.both).run(mat);
  return { up, m, down };
}

describe('RestartFlow.withBackoff', () => {
  it('runs elements through the inner flow on demand; after a failure a new flow takes over (the failing element is lost)', async () => {
    const { scheduler, mat } = virtual();
    let gen = 0;
    const flow = RestartFlow.withBackoff(RestartSettings.create(100, 100, 0), () => {
      const g = ++gen;
      return Flow.create<number>().map((x) => {
        if (x === 3 && g === 1) throw boom();
        return `${g}:${x}`;
      });
    });
    const { up, m, down } = probes(flow, mat);
    down.request(1);
    await scheduler.advance(0);
    await up.expectRequest();
    up.sendNext(1);
    await down.expectNext('1:1');
    await up.expectNoMessageWhenIdle();
    down.request(3);
    await up.expectRequest();
    up.sendNext(2);
    await down.expectNext('1:2');
    await up.expectRequest();
    up.sendNext(3); // fails the first inner flow
    await scheduler.advance(50);
    await up.expectNoMessageWhenIdle(); // backing off: nothing is pulled
    expect(m.materializations).toBe(1);
    await scheduler.advance(50);
    expect(m.materializations).toBe(2);
    await up.expectRequest();
    up.sendNext(4);
    await down.expectNext('2:4');
    up.sendComplete();
    await down.expectComplete();
    mat.shutdown();
  });

  it('the element waiting to enter a failed flow goes to the next one', async () => {
    const { scheduler, mat } = virtual();
    let gen = 0;
    const flow = RestartFlow.withBackoff(RestartSettings.create(100, 100, 0), () => {
      const g = ++gen;
      return g === 1 ? Flow.create<number>().take(0) : Flow.create<number>().map((x) => x * 10);
    });
    const { up, down } = probes(flow, mat);
    down.request(1);
    up.sendNext(7);
    await scheduler.advance(100);
    await up.expectRequest();
    await down.expectNext(70);
    mat.shutdown();
  });

  it('withBackoff restarts a flow that completes; onFailuresWithBackoff completes with it', async () => {
    const { scheduler, mat } = virtual();
    const restarting = probes(
      RestartFlow.withBackoff(RestartSettings.create(100, 100, 0), () => Flow.create<number>().take(1)),
      mat,
    );
    restarting.down.request(10);
    await scheduler.advance(0);
    await restarting.up.expectRequest();
    restarting.up.sendNext(1);
    await restarting.down.expectNext(1);
    await scheduler.advance(100);
    expect(restarting.m.materializations).toBe(2);
    await restarting.up.expectRequest();
    restarting.up.sendNext(2);
    await restarting.down.expectNext(2);

    const completing = probes(
      RestartFlow.onFailuresWithBackoff(RestartSettings.create(100, 100, 0), () => Flow.create<number>().take(1)),
      mat,
    );
    completing.down.request(10);
    await scheduler.advance(0);
    await completing.up.expectRequest();
    completing.up.sendNext(1);
    await completing.down.expectNext(1);
    await completing.down.expectComplete();
    await completing.up.expectCancellation();
    mat.shutdown();
  });

  it('passes the failure on once the budget is used up', async () => {
    const { scheduler, mat } = virtual();
    const e = boom('last');
    let gen = 0;
    const flow = RestartFlow.onFailuresWithBackoff(RestartSettings.create(10, 10, 0).withMaxRestarts(1, 1000), () => {
      const g = ++gen;
      return Flow.create<number>().map((x) => {
        throw g === 2 ? e : boom();
        // biome-ignore lint/correctness/noUnreachable: gives the map its element type
        return x;
      });
    });
    const { up, down } = probes(flow, mat);
    down.request(5);
    await scheduler.advance(0);
    up.sendNext(1);
    await scheduler.advance(10);
    up.sendNext(2);
    await scheduler.advance(0);
    expect(await down.expectError()).toBe(e);
    await up.expectCancellation();
    mat.shutdown();
  });

  it('upstream completion completes the inner flow, then the outer stage', async () => {
    const { scheduler, mat } = virtual();
    const out = Source.from([1, 2, 3])
      .via(RestartFlow.withBackoff(RestartSettings.create(10, 10, 0), () => Flow.create<number>().map((x) => x + 1)))
      .runWith(Sink.seq(), mat);
    await scheduler.advance(0);
    expect(await out).toEqual([2, 3, 4]);
    expect(scheduler.pendingTimers).toBe(0);
    mat.shutdown();
  });

  it('upstream failure passes through the inner flow and fails the stream (no restart)', async () => {
    const { scheduler, mat } = virtual();
    const { up, m, down } = probes(
      RestartFlow.withBackoff(RestartSettings.create(10, 10, 0), () => Flow.create<number>()),
      mat,
    );
    down.request(1);
    await scheduler.advance(0);
    const e = boom();
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    await scheduler.advance(100);
    expect(m.materializations).toBe(1);
    mat.shutdown();
  });

  it('downstream cancellation cancels upstream and the inner flow', async () => {
    const { scheduler, mat } = virtual();
    const { up, down } = probes(
      RestartFlow.withBackoff(RestartSettings.create(10, 10, 0), () => Flow.create<number>()),
      mat,
    );
    await scheduler.advance(0);
    down.cancel();
    await up.expectCancellation();
    await scheduler.advance(0);
    expect(mat.runningIslands).toBe(0);
    expect(scheduler.pendingTimers).toBe(0);
    mat.shutdown();
  });

  it('exposes the latest inner materialized value', async () => {
    const { scheduler, mat } = virtual();
    let n = 0;
    const flow = RestartFlow.withBackoff(RestartSettings.create(10, 10, 0), () =>
      Flow.create<number>()
        .take(1)
        .mapMaterializedValue(() => ++n),
    );
    const { up, m, down } = probes(flow, mat);
    down.request(5);
    await scheduler.advance(0);
    expect(m.latest()).toBe(1);
    up.sendNext(1);
    await down.expectNext(1);
    await scheduler.advance(10);
    expect(m.latest()).toBe(2);
    mat.shutdown();
  });

  it('validates its arguments', () => {
    expect(() => RestartFlow.withBackoff(null as never, () => Flow.create())).toThrow(/RestartFlow.withBackoff: settings must be RestartSettings, got null/);
    expect(() => RestartFlow.onFailuresWithBackoff(RestartSettings.create(1, 1, 0), null as never)).toThrow(
      /RestartFlow.onFailuresWithBackoff: factory must be a function/,
    );
  });
});
