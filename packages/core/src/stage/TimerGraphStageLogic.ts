import type { Cancellable } from '../Scheduler.js';
import { requireMillis as checkDelay } from './argumentChecks.js';
import { type AsyncCallback, GraphStageLogic } from './GraphStageLogic.js';

interface Timer {
  readonly generation: number;
  readonly periodic: boolean;
  handle: Cancellable;
}

/**
 * A logic with named timers. Timers run on the materializer's `Scheduler` (virtual time in tests) and
 * fire `onTimer(key)` inside the stage. Scheduling a key that is already active replaces that timer;
 * a cancelled or replaced timer never fires, even if its task was already queued. All timers are
 * cancelled when the stage stops.
 */
export abstract class TimerGraphStageLogic extends GraphStageLogic {
  private readonly timers = new Map<unknown, Timer>();
  private generation = 0;
  private timerCallback: AsyncCallback<[unknown, number]> | null = null;

  /** Called inside the stage when the timer named `key` fires. */
  protected abstract onTimer(key: unknown): void;

  private fire = ([key, generation]: [unknown, number]): void => {
    const t = this.timers.get(key);
    if (t === undefined || t.generation !== generation) return; // cancelled or replaced
    if (!t.periodic) this.timers.delete(key);
    this.onTimer(key);
  };

  private callback(): AsyncCallback<[unknown, number]> {
    return (this.timerCallback ??= this.getAsyncCallback(this.fire));
  }

  /** Fires `onTimer(key)` once after `delayMs`. */
  scheduleOnce(key: unknown, delayMs: number): void {
    checkDelay('scheduleOnce', 'delay', delayMs, true);
    this.cancelTimer(key);
    const generation = ++this.generation;
    const cb = this.callback();
    const handle = this.materializer.scheduler.scheduleOnce(delayMs, () => cb.invoke([key, generation]));
    this.timers.set(key, { generation, periodic: false, handle });
  }

  /** Fires `onTimer(key)` after `initialDelayMs`, then every `delayMs` after the previous firing was scheduled. */
  scheduleWithFixedDelay(key: unknown, initialDelayMs: number, delayMs: number): void {
    checkDelay('scheduleWithFixedDelay', 'initialDelay', initialDelayMs, true);
    checkDelay('scheduleWithFixedDelay', 'delay', delayMs, false);
    this.schedulePeriodic(key, initialDelayMs, delayMs, false);
  }

  /** Fires `onTimer(key)` after `initialDelayMs`, then at a fixed rate of one per `intervalMs` (no drift). */
  scheduleAtFixedRate(key: unknown, initialDelayMs: number, intervalMs: number): void {
    checkDelay('scheduleAtFixedRate', 'initialDelay', initialDelayMs, true);
    checkDelay('scheduleAtFixedRate', 'interval', intervalMs, false);
    this.schedulePeriodic(key, initialDelayMs, intervalMs, true);
  }

  private schedulePeriodic(key: unknown, initialDelayMs: number, periodMs: number, fixedRate: boolean): void {
    this.cancelTimer(key);
    const generation = ++this.generation;
    const cb = this.callback();
    const scheduler = this.materializer.scheduler;
    const timer: Timer = { generation, periodic: true, handle: { cancel: () => false } };
    this.timers.set(key, timer);
    let next = scheduler.now() + initialDelayMs;
    const arm = (delay: number): void => {
      timer.handle = scheduler.scheduleOnce(delay, () => {
        if (this.timers.get(key) !== timer) return;
        cb.invoke([key, generation]);
        next += periodMs;
        arm(fixedRate ? Math.max(0, next - scheduler.now()) : periodMs);
      });
    };
    arm(initialDelayMs);
  }

  /** Cancels the timer named `key` (no-op if none). */
  cancelTimer(key: unknown): void {
    const t = this.timers.get(key);
    if (t === undefined) return;
    this.timers.delete(key);
    t.handle.cancel();
  }

  isTimerActive(key: unknown): boolean {
    return this.timers.has(key);
  }

  /** @internal */
  override _postStop(): void {
    for (const t of this.timers.values()) t.handle.cancel();
    this.timers.clear();
    super._postStop();
  }
}
