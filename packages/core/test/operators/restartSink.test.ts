import { Keep, Materializer, RestartSettings, RestartSink, Sink } from '@tributary/core';
import { TestSink, TestSource, type TestSubscriberProbe, VirtualScheduler } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom } from './harness.js';

function virtual() {
  const scheduler = new VirtualScheduler();
  return { scheduler, mat: new Materializer({ scheduler, logger: null }) };
}

function run(settings: RestartSettings, mat: Materializer) {
  const [up, handle] = TestSource.probe<number>()
    .toMat(
      RestartSink.withBackoff(settings, () => TestSink.probe<number>()),
      Keep.both,
    )
    .run(mat);
  const inner = (): TestSubscriberProbe<number> => handle.latest()!;
  return { up, handle, inner };
}

describe('RestartSink.withBackoff', () => {
  it('pulls upstream only when the inner sink pulls', async () => {
    const { scheduler, mat } = virtual();
    const { up, inner } = run(RestartSettings.create(100, 100, 0), mat);
    await scheduler.advance(0);
    await up.expectNoMessageWhenIdle();
    inner().request(1);
    await up.expectRequest();
    up.sendNext(1);
    await inner().expectNext(1);
    await up.expectNoMessageWhenIdle();
    mat.shutdown();
  });

  it('restarts a cancelled or failed inner sink after the backoff; the waiting element goes to the new sink', async () => {
    const { scheduler, mat } = virtual();
    const { up, handle, inner } = run(RestartSettings.create(100, 1000, 0), mat);
    await scheduler.advance(0);
    inner().request(1);
    await up.expectRequest();
    up.sendNext(1);
    await inner().expectNext(1);
    inner().request(1);
    await up.expectRequest();
    inner().cancel(); // restart #1 after 100
    up.sendNext(2); // arrives while backing off: kept
    await scheduler.advance(100);
    expect(handle.materializations).toBe(2);
    inner().request(1);
    await inner().expectNext(2);
    inner().cancel(boom()); // a failure: restart #2 after 200
    await scheduler.advance(199);
    expect(handle.materializations).toBe(2);
    await scheduler.advance(1);
    expect(handle.materializations).toBe(3);
    mat.shutdown();
  });

  it('upstream completion completes the inner sink', async () => {
    const { scheduler, mat } = virtual();
    const { up, inner } = run(RestartSettings.create(100, 100, 0), mat);
    await scheduler.advance(0);
    inner().request(2);
    await up.expectRequest();
    up.sendNext(1).sendComplete();
    await inner().expectNext(1);
    await inner().expectComplete();
    mat.shutdown();
  });

  it('upstream failure fails the inner sink', async () => {
    const { scheduler, mat } = virtual();
    const { up, inner } = run(RestartSettings.create(100, 100, 0), mat);
    await scheduler.advance(0);
    inner().request(1);
    const e = boom();
    up.sendError(e);
    expect(await inner().expectError()).toBe(e);
    mat.shutdown();
  });

  it('cancels upstream (with the cause) once the restart budget is used up', async () => {
    const { scheduler, mat } = virtual();
    const { up, inner, handle } = run(RestartSettings.create(10, 10, 0).withMaxRestarts(1, 1000), mat);
    await scheduler.advance(0);
    inner().cancel(boom());
    await scheduler.advance(10);
    expect(handle.materializations).toBe(2);
    const last = boom('last');
    inner().cancel(last);
    expect(await up.expectCancellation()).toBe(last);
    await scheduler.advance(0);
    expect(scheduler.pendingTimers).toBe(0);
    mat.shutdown();
  });

  it('materializes a handle to the latest inner sink result', async () => {
    const { scheduler, mat } = virtual();
    let n = 0;
    const [up, handle] = TestSource.probe<number>()
      .toMat(
        RestartSink.withBackoff(RestartSettings.create(10, 10, 0), () => {
          const k = ++n;
          return Sink.foreach<number>((x) => {
            if (k === 1 && x === 2) throw boom();
          });
        }),
        Keep.both,
      )
      .run(mat);
    await scheduler.advance(0);
    const first = handle.latest()!;
    up.sendNext(1).sendNext(2);
    await expect(first).rejects.toThrow('boom');
    await scheduler.advance(10);
    const second = handle.latest()!;
    expect(second).not.toBe(first);
    up.sendNext(3).sendComplete();
    await expect(second).resolves.toBeUndefined();
    mat.shutdown();
  });

  it('validates its arguments', () => {
    expect(() => RestartSink.withBackoff(RestartSettings.create(1, 1, 0), 'x' as never)).toThrow(/RestartSink.withBackoff: factory must be a function/);
  });
});
