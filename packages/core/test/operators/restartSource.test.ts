import { Keep, Materializer, type RestartHandle, RestartSettings, RestartSource, Source } from '@tributary/core';
import { StreamDetachedException } from '@tributary/core/stage';
import { type TestPublisherProbe, TestSink, TestSource, VirtualScheduler } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom } from './harness.js';

function virtual(logged: unknown[] = []) {
  const scheduler = new VirtualScheduler();
  const mat = new Materializer({ scheduler, logger: (m, e) => logged.push([m, e]) });
  return { scheduler, mat, logged };
}

/** Runs a restart source of probes; each inner probe is reachable through the handle. */
function runProbes(settings: RestartSettings, mat: Materializer, onlyOnFailures = false) {
  const make = onlyOnFailures ? RestartSource.onFailuresWithBackoff : RestartSource.withBackoff;
  const [handle, down] = make(settings, () => TestSource.probe<number>())
    .toMat(TestSink.probe<number>(), Keep.both)
    .run(mat);
  const inner = (): TestPublisherProbe<number> => handle.latest()!;
  return { handle, down, inner };
}

/** Records the virtual time of every inner start. */
function startTimes(handle: RestartHandle<unknown>, scheduler: VirtualScheduler): number[] {
  const times: number[] = [];
  if (handle.materializations > 0) times.push(scheduler.now());
  handle.onMaterialized(() => times.push(scheduler.now()));
  return times;
}

describe('RestartSource.withBackoff', () => {
  it('passes elements on demand and restarts after completion with exponential backoff, capped at maxBackoff', async () => {
    const { scheduler, mat } = virtual();
    const settings = RestartSettings.create(100, 1000, 0);
    let n = 0;
    const [handle, down] = RestartSource.withBackoff(settings, () => Source.single(++n))
      .toMat(TestSink.probe<number>(), Keep.both)
      .run(mat);
    const times = startTimes(handle, scheduler);
    down.request(100);
    await down.expectNext(1);
    await scheduler.advance(99);
    expect(handle.materializations).toBe(1);
    await scheduler.advance(1);
    await down.expectNext(2);
    await scheduler.advance(5000);
    // delays: 100, 200, 400, 800, 1000, 1000, …
    expect(times.slice(0, 7)).toEqual([0, 100, 300, 700, 1500, 2500, 3500]);
    down.cancel();
    await scheduler.advance(0);
    expect(scheduler.pendingTimers).toBe(0);
    mat.shutdown();
  });

  it('keeps jitter within [delay, delay · (1 + randomFactor)]', async () => {
    const { scheduler, mat } = virtual();
    const rf = 0.5;
    const [handle] = RestartSource.withBackoff(RestartSettings.create(100, 800, rf).withMaxRestarts(12, 100), () => Source.empty<number>())
      .toMat(TestSink.probe<number>(), Keep.both)
      .run(mat);
    const times = startTimes(handle, scheduler);
    await scheduler.advance(0);
    await scheduler.advance(20_000);
    expect(times).toHaveLength(13);
    for (let i = 1; i < times.length; i++) {
      const base = Math.min(800, 100 * 2 ** (i - 1));
      const delay = times[i]! - times[i - 1]!;
      expect(delay).toBeGreaterThanOrEqual(base);
      expect(delay).toBeLessThanOrEqual(base * (1 + rf));
    }
    mat.shutdown();
  });

  it('uses up the restart budget, then completes (after completion) or fails with the last error (after failure)', async () => {
    const { scheduler, mat } = virtual();
    const completing = RestartSource.withBackoff(RestartSettings.create(10, 10, 0).withMaxRestarts(3, 1000), () => Source.single(1)).runWith(
      TestSink.probe<number>(),
      mat,
    );
    completing.request(10);
    await scheduler.advance(1000);
    await completing.expectNextN([1, 1, 1, 1]);
    await completing.expectComplete();

    const errors = [boom('1'), boom('2'), boom('3')];
    let i = 0;
    const failing = RestartSource.withBackoff(RestartSettings.create(10, 10, 0).withMaxRestarts(2, 1000), () => Source.failed<number>(errors[i++]!)).runWith(
      TestSink.probe<number>(),
      mat,
    );
    failing.request(1);
    await scheduler.advance(1000);
    expect(await failing.expectError()).toBe(errors[2]);
    expect(i).toBe(3);
    expect(scheduler.pendingTimers).toBe(0);
    mat.shutdown();
  });

  it('starts the count over when the inner source ran longer than maxRestartsWithin', async () => {
    const { scheduler, mat } = virtual();
    const { handle, down, inner } = runProbes(RestartSettings.create(100, 10_000, 0).withMaxRestarts(2, 1000), mat);
    const times = startTimes(handle, scheduler);
    down.request(1);
    await scheduler.advance(0);
    inner().sendError(boom()); // restart #1 after 100
    await scheduler.advance(100);
    inner().sendError(boom()); // restart #2 after 200
    await scheduler.advance(200);
    expect(times).toEqual([0, 100, 300]);
    await scheduler.advance(2000); // ran long enough: count (and backoff) start over
    inner().sendError(boom());
    await scheduler.advance(100);
    expect(times).toEqual([0, 100, 300, 2400]);
    inner().sendError(boom()); // #2 of the new count
    await scheduler.advance(200);
    expect(times).toHaveLength(5);
    const last = boom('last');
    inner().sendError(last); // budget used up
    await scheduler.advance(0);
    expect(await down.expectError()).toBe(last);
    mat.shutdown();
  });

  it('never pulls the inner source beyond downstream demand, across restarts', async () => {
    const { scheduler, mat } = virtual();
    const { down, inner } = runProbes(RestartSettings.create(50, 50, 0), mat);
    await scheduler.advance(0);
    await inner().expectNoMessageWhenIdle();
    down.request(1);
    expect(await inner().expectRequest()).toBe(1);
    inner().sendNext(1);
    await down.expectNext(1);
    await inner().expectNoMessageWhenIdle();
    down.request(1);
    await inner().expectRequest();
    inner().sendComplete();
    await scheduler.advance(50);
    expect(await inner().expectRequest()).toBe(1); // the outstanding demand goes to the new inner source
    inner().sendNext(2);
    await down.expectNext(2);
    mat.shutdown();
  });

  it('onFailuresWithBackoff completes when the inner source completes, restarts when it fails', async () => {
    const { scheduler, mat } = virtual();
    const { handle, down, inner } = runProbes(RestartSettings.create(100, 100, 0), mat, true);
    down.request(1);
    await scheduler.advance(0);
    inner().sendError(boom());
    await scheduler.advance(100);
    expect(handle.materializations).toBe(2);
    inner().sendComplete();
    await down.expectComplete();
    expect(scheduler.pendingTimers).toBe(0);
    mat.shutdown();
  });

  it('withRestartOn: other failures pass on at once', async () => {
    const { scheduler, mat } = virtual();
    class Transient extends Error {}
    const { down, inner } = runProbes(
      RestartSettings.create(100, 100, 0).withRestartOn((e) => e instanceof Transient),
      mat,
    );
    down.request(1);
    await scheduler.advance(0);
    inner().sendError(new Transient('t'));
    await scheduler.advance(100);
    const fatal = boom('fatal');
    inner().sendError(fatal);
    await scheduler.advance(0);
    expect(await down.expectError()).toBe(fatal);
    mat.shutdown();
  });

  it('downstream cancellation cancels the inner source and any pending restart', async () => {
    const { scheduler, mat } = virtual();
    const { down, inner } = runProbes(RestartSettings.create(100, 100, 0), mat);
    await scheduler.advance(0);
    const first = inner();
    down.cancel();
    await first.expectCancellation();

    const second = runProbes(RestartSettings.create(100, 100, 0), mat);
    await scheduler.advance(0);
    second.inner().sendComplete(); // now backing off
    await scheduler.advance(10);
    expect(scheduler.pendingTimers).toBe(1);
    second.down.cancel();
    await scheduler.advance(0);
    expect(scheduler.pendingTimers).toBe(0);
    expect(second.handle.materializations).toBe(1);
    expect(mat.runningIslands).toBe(0);
    mat.shutdown();
  });

  it('exposes the inner materialized value: latest(), next(), onMaterialized(); next() rejects once stopped', async () => {
    const { scheduler, mat } = virtual();
    const { handle, down, inner } = runProbes(RestartSettings.create(100, 100, 0), mat);
    await scheduler.advance(0);
    const first = handle.latest();
    expect(first).toBeDefined();
    expect(handle.materializations).toBe(1);
    const seen: unknown[] = [];
    const unsubscribe = handle.onMaterialized((m) => seen.push(m));
    const next = handle.next();
    inner().sendComplete();
    await scheduler.advance(100);
    const second = await next;
    expect(second).toBe(handle.latest());
    expect(second).not.toBe(first);
    expect(seen).toEqual([second]);
    unsubscribe();
    down.cancel();
    await scheduler.advance(0);
    expect(handle.stopped).toBe(true);
    await expect(handle.next()).rejects.toBeInstanceOf(StreamDetachedException);
    expect(seen).toHaveLength(1);
    mat.shutdown();
  });

  it('reports each restart after a failure through the materializer logger (unless disabled)', async () => {
    const { scheduler, mat, logged } = virtual();
    const e = boom('flaky');
    const { down, inner } = runProbes(RestartSettings.create(100, 100, 0), mat);
    down.request(1);
    await scheduler.advance(0);
    inner().sendError(e);
    await scheduler.advance(0);
    expect(logged).toEqual([['restartSource: restarting the inner stream in 100 ms after failure #1', e]]);
    const quietRun = runProbes(RestartSettings.create(100, 100, 0).withLogRestarts(false), mat);
    await scheduler.advance(0);
    quietRun.inner().sendError(e);
    await scheduler.advance(0);
    expect(logged).toHaveLength(1);
    mat.shutdown();
  });

  it('validates its arguments', () => {
    expect(() => RestartSource.withBackoff({} as RestartSettings, () => Source.empty())).toThrow(/RestartSource.withBackoff: settings must be RestartSettings/);
    expect(() => RestartSource.onFailuresWithBackoff(RestartSettings.create(1, 2, 0), 1 as never)).toThrow(
      /RestartSource.onFailuresWithBackoff: factory must be a function/,
    );
  });
});

describe('RestartSettings', () => {
  it('computes min(max, min·2ⁿ)·(1 + r·randomFactor)', () => {
    const s = RestartSettings.create(100, 1000, 0.2);
    expect([0, 1, 2, 3, 4, 5].map((n) => s.delayFor(n, 0))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(s.delayFor(0, 1)).toBeCloseTo(120);
    expect(s.delayFor(10, 0.5)).toBeCloseTo(1100);
    expect(s.delayFor(5000, 0)).toBe(1000); // 2ⁿ overflows to Infinity: capped
  });

  it('is immutable and validates', () => {
    const s = RestartSettings.create(100, 1000, 0.2);
    const t = s.withMaxRestarts(3, 500).withMinBackoff(50);
    expect([s.maxRestarts, s.maxRestartsWithin, s.minBackoff]).toEqual([Infinity, 100, 100]);
    expect([t.maxRestarts, t.maxRestartsWithin, t.minBackoff]).toEqual([3, 500, 50]);
    expect(() => RestartSettings.create(-1, 10, 0)).toThrow(/RestartSettings: minBackoff must be a non-negative finite number of milliseconds, got -1/);
    expect(() => RestartSettings.create(10, 5, 0)).toThrow(/maxBackoff \(5\) must not be less than minBackoff \(10\)/);
    expect(() => RestartSettings.create(1, 5, 2)).toThrow(/randomFactor must be a number between 0 and 1, got 2/);
    expect(() => s.withMaxRestarts(-1, 10)).toThrow(/withMaxRestarts: count must be a non-negative integer, got -1/);
    expect(() => s.withMaxRestarts(1, 0)).toThrow(/withMaxRestarts: withinMs must be a positive finite number/);
    expect(() => s.withRestartOn(null as never)).toThrow(/withRestartOn: predicate must be a function/);
  });
});
