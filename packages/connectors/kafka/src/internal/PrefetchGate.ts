/**
 * Credit-based flow control between kafkajs' fetch loop and a consumer stage — Reactive Streams demand,
 * per partition. The fetch loop (outside the stream) may hand a partition's records to the stage only
 * while it holds credit for them: `reserve(n)` takes up to `n` credits, and the stage gives them back
 * with `release(n)` as records leave it (emitted downstream, or dropped on revocation). So the records
 * of a partition that are on their way to or buffered in the stage never exceed `bound`.
 *
 * When a partition has no credit the fetch loop waits (`waitForRoom`, heartbeating meanwhile) or pauses
 * the partition; a waiting fetch loop is woken once the partition is down to half its bound, so wake-ups
 * come in batches rather than per record. The counters are plain numbers mutated only on the JS thread.
 */
import type { Cancellable, Scheduler } from '@tributary/core';

export class Credit {
  /** Records reserved by the fetch loop and not yet released by the stage. */
  outstanding = 0;
  /** The most records ever outstanding at once (the measured prefetch). */
  highWater = 0;
  private waiter: ((room: boolean) => void) | null = null;

  constructor(
    readonly key: string,
    readonly bound: number,
  ) {}

  /** Takes up to `n` credits; returns how many were granted (0 when the partition is full). */
  reserve(n: number): number {
    const room = this.bound - this.outstanding;
    const granted = n < room ? n : room;
    if (granted <= 0) return 0;
    this.outstanding += granted;
    if (this.outstanding > this.highWater) this.highWater = this.outstanding;
    return granted;
  }

  /** Gives `n` credits back; wakes a waiting fetch loop when at most half the bound is outstanding. */
  release(n: number): void {
    this.outstanding -= n;
    if (this.waiter !== null && this.outstanding <= this.bound >> 1) this.wake(true);
  }

  get hasRoom(): boolean {
    return this.outstanding < this.bound;
  }

  /** Resolves `true` when room frees up, `false` after `timeoutMs` (timer on the stage's scheduler). */
  waitForRoom(timeoutMs: number, scheduler: Scheduler): Promise<boolean> {
    if (this.hasRoom) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      let timer: Cancellable | null = null;
      const waiter = (room: boolean): void => {
        timer?.cancel();
        resolve(room);
      };
      this.waiter = waiter;
      timer = scheduler.scheduleOnce(timeoutMs, () => {
        if (this.waiter === waiter) this.waiter = null;
        resolve(false);
      });
    });
  }

  /** Wakes a waiting fetch loop (on release, revocation or close). */
  wake(room: boolean): void {
    const w = this.waiter;
    if (w !== null) {
      this.waiter = null;
      w(room);
    }
  }
}

export class PrefetchGate {
  private readonly credits = new Map<string, Credit>();
  closed = false;

  constructor(readonly bound: number) {}

  credit(key: string): Credit {
    let c = this.credits.get(key);
    if (c === undefined) this.credits.set(key, (c = new Credit(key, this.bound)));
    return c;
  }

  /** Wakes every waiting fetch loop; they see `closed` and stop handing over records. */
  close(): void {
    this.closed = true;
    for (const c of this.credits.values()) c.wake(true);
  }

  /** Records outstanding over all partitions. */
  get outstanding(): number {
    let n = 0;
    for (const c of this.credits.values()) n += c.outstanding;
    return n;
  }

  /** The largest number of records any one partition ever had outstanding. */
  get highWater(): number {
    let n = 0;
    for (const c of this.credits.values()) if (c.highWater > n) n = c.highWater;
    return n;
  }
}
