import { Materializer, type Scheduler, Sink, Source, SystemScheduler } from '@tributary/core';
import { TestSink, VirtualScheduler } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { QUIET_MS } from './operators/harness.js';

const DAY = 24 * 60 * 60 * 1000;
/** Longer than the 2^31 − 1 ms a single setTimeout can hold (Node fires those after 1 ms). */
const HUNDRED_DAYS = 100 * DAY;

const timeouts = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('SystemScheduler: long delays', () => {
  it('a 100-day timer does not fire within 50 ms, and cancelling it leaves no timer handle behind', async () => {
    const before = timeouts();
    let fired = false;
    const timer = new SystemScheduler().scheduleOnce(HUNDRED_DAYS, () => {
      fired = true;
    });
    expect(timeouts()).toBe(before + 1);
    await sleep(50);
    expect(fired).toBe(false);
    expect(timer.cancel()).toBe(true);
    expect(timeouts()).toBe(before);
    expect(timer.cancel()).toBe(false);
  });

  it('chains a delay longer than one timer may hold: fires once, not before its deadline', async () => {
    // A step of 10 ms stands in for setTimeout's 24.8-day limit, so the chain runs in real time.
    const scheduler = new SystemScheduler({ maxTimerDelayMs: 10 });
    const start = performance.now();
    let firedAt = -1;
    let calls = 0;
    await new Promise<void>((resolve) => {
      scheduler.scheduleOnce(45, () => {
        calls++;
        firedAt = performance.now();
        resolve();
      });
    });
    expect(firedAt - start).toBeGreaterThanOrEqual(44); // a lower bound only: timers may be late, never early
    await sleep(20);
    expect(calls).toBe(1);
  });

  it('a chained timer cancelled between its steps never fires and leaves no handle', async () => {
    const scheduler = new SystemScheduler({ maxTimerDelayMs: 10 });
    const before = timeouts();
    let fired = false;
    const timer = scheduler.scheduleOnce(200, () => {
      fired = true;
    });
    await sleep(35); // a few steps of the chain have run; one is pending
    expect(timeouts()).toBe(before + 1);
    expect(timer.cancel()).toBe(true);
    expect(timeouts()).toBe(before);
    await sleep(200);
    expect(fired).toBe(false);
  });

  it('a chained timer that already fired cannot be cancelled', async () => {
    const scheduler = new SystemScheduler({ maxTimerDelayMs: 5 });
    let resolveFired!: () => void;
    const fired = new Promise<void>((r) => (resolveFired = r));
    const timer = scheduler.scheduleOnce(12, () => resolveFired());
    await fired;
    expect(timer.cancel()).toBe(false);
  });

  it('rejects a NaN delay, and bad settings, with clear errors', () => {
    expect(() => new SystemScheduler().scheduleOnce(Number.NaN, () => {})).toThrow(
      /SystemScheduler.scheduleOnce: delayMs must be a number of milliseconds, got NaN/,
    );
    expect(() => new SystemScheduler({ maxTimerDelayMs: 0 })).toThrow(/SystemScheduler: maxTimerDelayMs must be an integer in 1\.\.2147483647, got 0/);
    expect(() => new SystemScheduler({ maxTimerDelayMs: 2 ** 31 })).toThrow(/maxTimerDelayMs/);
  });

  it('throttle with a 100-day period keeps throttling in real time; cancelling leaves no timer', async () => {
    // Count the stream's own timers (vitest keeps timers of its own, so the process-wide count is not the stream's).
    const system = new SystemScheduler();
    let pending = 0;
    const scheduler: Scheduler = {
      now: () => system.now(),
      scheduleOnce(delayMs, task) {
        pending++;
        const timer = system.scheduleOnce(delayMs, () => {
          pending--;
          task();
        });
        return {
          cancel() {
            const cancelled = timer.cancel();
            if (cancelled) pending--;
            return cancelled;
          },
        };
      },
    };
    const mat = new Materializer({ logger: null, scheduler });
    const before = timeouts();
    const down = Source.from([1, 2, 3]).throttle(1, HUNDRED_DAYS).runWith(TestSink.probe<number>(), mat);
    down.request(3);
    await down.expectNext(1);
    await down.expectNoMessage(50); // the old scheduler let element 2 through after 1 ms
    expect(pending).toBe(1); // the throttle waits on one (chained) timer
    expect(timeouts()).toBeGreaterThanOrEqual(1);
    down.cancel();
    await sleep(QUIET_MS);
    expect(mat.runningIslands).toBe(0);
    expect(pending).toBe(0);
    expect(timeouts()).toBeLessThanOrEqual(before);
    mat.shutdown();
  });
});

describe('VirtualScheduler: long delays', () => {
  it('throttle with a 100-day period: the next element comes after exactly 100 virtual days', async () => {
    const scheduler = new VirtualScheduler();
    const mat = new Materializer({ scheduler, logger: null });
    const down = Source.from([1, 2]).throttle(1, HUNDRED_DAYS).runWith(TestSink.probe<number>(), mat);
    down.request(2);
    await down.expectNext(1);
    await scheduler.advance(HUNDRED_DAYS - 1);
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(1);
    await down.expectNext(2);
    await down.expectComplete();
  });

  it('a delayed element in a long-delay stream arrives on time, not at once', async () => {
    const scheduler = new VirtualScheduler();
    const mat = new Materializer({ scheduler, logger: null });
    const done = Source.single('late')
      .initialDelay(30 * DAY)
      .runWith(Sink.seq(), mat);
    let result: string[] | undefined;
    void done.then((r) => (result = r));
    await scheduler.advance(29 * DAY);
    expect(result).toBeUndefined();
    await scheduler.advance(DAY);
    expect(await done).toEqual(['late']);
  });

  it('rejects a NaN delay', () => {
    expect(() => new VirtualScheduler().scheduleOnce(Number.NaN, () => {})).toThrow(
      /VirtualScheduler.scheduleOnce: delayMs must be a number of milliseconds, got NaN/,
    );
  });
});
