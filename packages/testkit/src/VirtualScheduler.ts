import type { Cancellable, Scheduler } from '@tributary/core';

interface Task {
  readonly due: number;
  readonly seq: number;
  readonly run: () => void;
  cancelled: boolean;
}

/** Lets the stream's islands react to what just happened (their work runs in microtasks/immediates). */
export async function flushStreams(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
}

/**
 * A scheduler whose clock only moves when the test says so. Give it to a `Materializer` and every
 * timer of every stage (throttle, delay, tick, timeouts, backoff…) runs in virtual time:
 *
 * ```ts
 * const scheduler = new VirtualScheduler();
 * const mat = new Materializer({ scheduler });
 * const probe = Source.tick(100, 100, 'x').runWith(TestSink.probe(), mat);
 * probe.request(2);
 * await scheduler.advance(100); await probe.expectNext('x');
 * ```
 *
 * `advance(ms)` fires due timers in time order, letting the streams react after each one (so timers
 * a stream schedules in reaction are honoured in the same advance when they fall due).
 */
export class VirtualScheduler implements Scheduler {
  private time = 0;
  private seq = 0;
  private tasks: Task[] = [];

  now(): number {
    return this.time;
  }

  /** Any delay is honoured, however long (`Infinity`: never fires); a negative delay counts as 0. */
  scheduleOnce(delayMs: number, run: () => void): Cancellable {
    if (typeof delayMs !== 'number' || Number.isNaN(delayMs)) {
      throw new RangeError(`VirtualScheduler.scheduleOnce: delayMs must be a number of milliseconds, got ${String(delayMs)}`);
    }
    const task: Task = { due: this.time + Math.max(0, delayMs), seq: this.seq++, run, cancelled: false };
    this.tasks.push(task);
    return {
      cancel: () => {
        if (task.cancelled) return false;
        const i = this.tasks.indexOf(task);
        task.cancelled = true;
        if (i < 0) return false;
        this.tasks.splice(i, 1);
        return true;
      },
    };
  }

  /** Timers currently scheduled. */
  get pendingTimers(): number {
    return this.tasks.length;
  }

  private nextDue(limit: number): Task | undefined {
    let best: Task | undefined;
    for (const t of this.tasks) {
      if (t.due <= limit && (best === undefined || t.due < best.due || (t.due === best.due && t.seq < best.seq))) best = t;
    }
    return best;
  }

  /** Moves the clock forward by `ms`, running every timer that falls due, in order. */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`VirtualScheduler.advance(${ms}): ms must be >= 0`);
    await flushStreams();
    const target = this.time + ms;
    for (;;) {
      const t = this.nextDue(target);
      if (t === undefined) break;
      this.tasks.splice(this.tasks.indexOf(t), 1);
      this.time = Math.max(this.time, t.due);
      t.run();
      await flushStreams();
    }
    this.time = target;
    await flushStreams();
  }

  /** Runs timers due now (delay 0) and lets the streams react. */
  async tick(): Promise<void> {
    await this.advance(0);
  }
}
