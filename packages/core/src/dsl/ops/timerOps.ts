/**
 * Timer operators of FlowOps (see ../FlowOps.ts for the pattern): declared here once with their
 * Emits / Backpressures / Completes / Cancels contract, implemented in the table below, installed on
 * Source.prototype and Flow.prototype together with the other areas.
 *
 * The area covers operators driven by timers: groupedWithin, groupedWeightedWithin, delay, initialDelay,
 * takeWithin, dropWithin, keepAlive and the timeouts. Every timer runs on the materializer's
 * `Scheduler`, so all of them can be tested in virtual time.
 */

import { DelayOverflowStrategy } from '../../OverflowStrategy.js';
import { BackpressureTimeout } from '../../operators/backpressureTimeout.js';
import { CompletionTimeout } from '../../operators/completionTimeout.js';
import { Delay } from '../../operators/delay.js';
import { DropWithin } from '../../operators/dropWithin.js';
import { GroupedWeightedWithin } from '../../operators/groupedWeightedWithin.js';
import { GroupedWithin } from '../../operators/groupedWithin.js';
import { IdleTimeout } from '../../operators/idleTimeout.js';
import { InitialDelay } from '../../operators/initialDelay.js';
import { InitialTimeout } from '../../operators/initialTimeout.js';
import { KeepAlive } from '../../operators/keepAlive.js';
import { TakeWithin } from '../../operators/takeWithin.js';
import type { HKT, Kind } from '../FlowOps.js';
import type { Fn, OpsTable } from './opsTable.js';

export interface TimerOps<Out, F extends HKT> {
  /**
   * Chunks the stream into arrays of at most `n` elements, emitted every `ms` milliseconds or as soon as
   * `n` elements are collected, whichever happens first. Empty groups are not emitted; the clock restarts
   * when a group closes because it is full.
   *
   * - **Emits when** `n` elements are collected or `ms` elapsed since the last group, and downstream pulls.
   * - **Backpressures when** a full group has not been taken by downstream yet.
   * - **Completes when** upstream completes (after the last, possibly shorter, group).
   * - **Cancels when** downstream cancels.
   *
   * @example Source.from(events).groupedWithin(100, 1000) // batches of up to 100, at least every second
   */
  groupedWithin(n: number, ms: number): Kind<F, Out[]>;

  /**
   * Like `groupedWithin`, limited by the total weight (`costFn`) of a group, and optionally also by its
   * size (`maxNumber`). An element that does not fit waits for the next group (backpressuring upstream);
   * a single element heavier than `maxWeight` forms a group of its own.
   *
   * - **Emits when** the group reaches `maxWeight` or `maxNumber`, or `ms` elapsed since the last group,
   *   and downstream pulls.
   * - **Backpressures when** a full group has not been taken by downstream yet.
   * - **Completes when** upstream completes (after the last group).
   * - **Cancels when** downstream cancels.
   *
   * Supervision (for `costFn`), as in Pekko: `resume` drops the element and keeps the current group;
   * `restart` drops the element and the current group, and starts a new time window.
   *
   * @example Source.from(messages).groupedWeightedWithin(64 * 1024, (m) => m.byteLength, 100)
   */
  groupedWeightedWithin(maxWeight: number, costFn: (x: Out) => number, ms: number): Kind<F, Out[]>;
  groupedWeightedWithin(maxWeight: number, maxNumber: number, costFn: (x: Out) => number, ms: number): Kind<F, Out[]>;

  /**
   * Delays every element by `ms` milliseconds (from its arrival). Up to `Attributes.inputBuffer(…).max`
   * elements (default 16) are held at a time; when an element arrives and they are all taken,
   * `overflowStrategy` decides (default `DelayOverflowStrategy.dropTail`): drop the oldest / youngest /
   * all / the new element, `emitEarly` (emit the oldest before its time, if downstream wants it),
   * `backpressure`, or `fail` with `BufferOverflowError`.
   *
   * - **Emits when** the oldest held element's delay has passed and downstream pulls.
   * - **Backpressures when** the buffer is full and the strategy is `backpressure` (or `emitEarly` while
   *   downstream backpressures).
   * - **Completes when** upstream completes and every held element has been emitted.
   * - **Cancels when** downstream cancels.
   *
   * @example Source.from(retries).delay(500, DelayOverflowStrategy.backpressure)
   */
  delay(ms: number, overflowStrategy?: DelayOverflowStrategy): Kind<F, Out>;

  /**
   * Asks upstream for nothing during the first `ms` milliseconds, then passes every element through.
   *
   * - **Emits when** upstream emits, once the initial delay has passed.
   * - **Backpressures when** downstream backpressures, or the initial delay has not passed yet.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   */
  initialDelay(ms: number): Kind<F, Out>;

  /**
   * Passes elements through for `ms` milliseconds after the stream started, then completes (and cancels
   * upstream).
   *
   * - **Emits when** upstream emits and the time has not run out.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** `ms` have passed, or upstream completes.
   * - **Cancels when** `ms` have passed, or downstream cancels.
   */
  takeWithin(ms: number): Kind<F, Out>;

  /**
   * Drops the elements that arrive during the first `ms` milliseconds after the stream started, then
   * passes everything through.
   *
   * - **Emits when** `ms` have passed and upstream emits.
   * - **Backpressures when** `ms` have passed and downstream backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   */
  dropWithin(ms: number): Kind<F, Out>;

  /**
   * When no element has gone downstream for `maxIdleMs` milliseconds and downstream is asking, emits
   * `injected()` (a heartbeat). Upstream elements always take priority.
   *
   * - **Emits when** upstream emits, or downstream is waiting and nothing was emitted for `maxIdleMs`.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   *
   * Supervision (for `injected`): `resume`/`restart` skip that heartbeat.
   *
   * @example socketMessages.keepAlive(30_000, () => ({ type: 'ping' }))
   */
  keepAlive<U>(maxIdleMs: number, injected: () => U): Kind<F, Out | U>;

  /**
   * Fails the stream with `InitialTimeoutError` (a `TimeoutError`) if the first element has not passed
   * within `ms` milliseconds of the start.
   *
   * - **Emits when** upstream emits.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes, or fails if the first element did not pass in time.
   * - **Cancels when** downstream cancels.
   */
  initialTimeout(ms: number): Kind<F, Out>;

  /**
   * Fails the stream with `CompletionTimeoutError` (a `TimeoutError`) if it has not completed within `ms`
   * milliseconds of the start.
   *
   * - **Emits when** upstream emits.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes, or fails if it did not complete in time.
   * - **Cancels when** downstream cancels.
   */
  completionTimeout(ms: number): Kind<F, Out>;

  /**
   * Fails the stream with `IdleTimeoutError` (a `TimeoutError`) when no element has passed for `ms`
   * milliseconds (counted from the start, then from each element).
   *
   * - **Emits when** upstream emits.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes, or fails if no element passed for `ms`.
   * - **Cancels when** downstream cancels.
   */
  idleTimeout(ms: number): Kind<F, Out>;

  /**
   * Fails the stream with `BackpressureTimeoutError` (a `TimeoutError`) when downstream has not asked for
   * an element for `ms` milliseconds after the previous one was emitted (or after the start).
   *
   * - **Emits when** upstream emits.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes, or fails if downstream did not signal demand in time.
   * - **Cancels when** downstream cancels.
   */
  backpressureTimeout(ms: number): Kind<F, Out>;
}

/** The implementations, installed on Source.prototype and Flow.prototype. */
export const timerOpsImpl: OpsTable<TimerOps<unknown, HKT>> = {
  groupedWithin(n: number, ms: number) {
    return this.via(new GroupedWithin(n, ms));
  },
  groupedWeightedWithin(...args: unknown[]) {
    if (args.length === 3) return this.via(new GroupedWeightedWithin(args[0] as number, Infinity, args[1] as Fn, args[2] as number));
    if (args.length === 4) return this.via(new GroupedWeightedWithin(args[0] as number, args[1] as number, args[2] as Fn, args[3] as number));
    throw new TypeError(`groupedWeightedWithin: expected (maxWeight, costFn, ms) or (maxWeight, maxNumber, costFn, ms), got ${args.length} arguments`);
  },
  delay(ms: number, overflowStrategy: DelayOverflowStrategy = DelayOverflowStrategy.dropTail) {
    return this.via(new Delay(ms, overflowStrategy));
  },
  initialDelay(ms: number) {
    return this.via(new InitialDelay(ms));
  },
  takeWithin(ms: number) {
    return this.via(new TakeWithin(ms));
  },
  dropWithin(ms: number) {
    return this.via(new DropWithin(ms));
  },
  keepAlive(maxIdleMs: number, injected: Fn) {
    return this.via(new KeepAlive(maxIdleMs, injected));
  },
  initialTimeout(ms: number) {
    return this.via(new InitialTimeout(ms));
  },
  completionTimeout(ms: number) {
    return this.via(new CompletionTimeout(ms));
  },
  idleTimeout(ms: number) {
    return this.via(new IdleTimeout(ms));
  },
  backpressureTimeout(ms: number) {
    return this.via(new BackpressureTimeout(ms));
  },
};
