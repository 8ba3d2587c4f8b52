import type { Attributes, Decider } from '../stage/Attributes.js';
import type { InHandler, OutHandler } from '../stage/GraphStageLogic.js';
import { TimerGraphStageLogic } from '../stage/TimerGraphStageLogic.js';
import { RateExceededError, ThrottleMode, type ThrottleOptions } from '../ThrottleMode.js';
import { requireDuration } from './durations.js';
import { decide, FlowStage } from './FlowStage.js';
import { describe, requireFunction, requirePositiveInt } from './validate.js';

/**
 * `throttle(elements, perMs, options)`: lets through at most `elements` cost units per `perMs`, with bursts
 * of up to `maximumBurst`: a token bucket on the materializer's scheduler clock. Shaping mode holds an
 * element back until enough tokens have arrived; enforcing mode fails instead.
 * Supervision (for `cost`): `resume`/`restart` drop the element.
 */
export class Throttle<T> extends FlowStage<T, T> {
  readonly tokenIntervalMs: number;
  readonly capacity: number;
  readonly mode: ThrottleMode;
  readonly cost: ((x: T) => number) | undefined;

  constructor(
    readonly elements: number,
    readonly perMs: number,
    options: ThrottleOptions<T> = {},
  ) {
    super('throttle');
    requirePositiveInt('throttle', 'elements', elements);
    requireDuration('throttle', 'perMs', perMs);
    if (options === null || typeof options !== 'object') throw new TypeError(`throttle: options must be an object, got ${describe(options)}`);
    const mode = options.mode ?? ThrottleMode.shaping;
    if (mode !== ThrottleMode.shaping && mode !== ThrottleMode.enforcing) {
      throw new TypeError(`throttle: mode must be ThrottleMode.shaping or ThrottleMode.enforcing, got ${describe(mode)}`);
    }
    if (options.cost !== undefined) requireFunction('throttle', 'cost', options.cost);
    this.tokenIntervalMs = perMs / elements;
    const burst = options.maximumBurst;
    if (burst === undefined) {
      this.capacity = Math.max(1, Math.floor(100 / this.tokenIntervalMs));
    } else {
      const min = mode === ThrottleMode.enforcing ? 1 : 0;
      if (typeof burst !== 'number' || !Number.isInteger(burst) || burst < min) {
        throw new RangeError(
          `throttle: maximumBurst must be ${min === 1 ? 'a positive' : 'a non-negative'} integer${min === 1 ? ' in enforcing mode' : ''}, got ${describe(burst)}`,
        );
      }
      this.capacity = burst;
    }
    this.mode = mode;
    this.cost = options.cost;
  }

  createLogic(attributes: Attributes): TimerGraphStageLogic {
    return new ThrottleLogic(this, attributes.supervisionDecider);
  }
}

/**
 * The token bucket (Akka's `TokenBucket`, in milliseconds): tokens arrive one per `tokenIntervalMs`, at
 * exact multiples of it since `lastUpdate`, up to `capacity`. An element costing more than the tokens
 * available takes them all and is delayed until the missing ones have arrived — the bucket is then
 * empty at that moment, which is where `lastUpdate` moves.
 */
class ThrottleLogic<T> extends TimerGraphStageLogic implements InHandler, OutHandler {
  private tokens = 0;
  private lastUpdate = 0;
  private held: T | undefined = undefined;
  private willStop = false;

  constructor(
    private readonly stage: Throttle<T>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }

  override preStart(): void {
    this.tokens = this.stage.capacity;
    this.lastUpdate = this.materializer.scheduler.now();
  }

  /** Takes `cost` tokens; returns how long the element must wait (0: it may pass now). */
  private offer(cost: number): number {
    const interval = this.stage.tokenIntervalMs;
    const now = this.materializer.scheduler.now();
    const elapsed = now - this.lastUpdate;
    if (elapsed >= interval) {
      const arrived = Math.floor(elapsed / interval);
      this.lastUpdate += arrived * interval;
      this.tokens = Math.min(this.tokens + arrived, this.stage.capacity);
    }
    if (cost <= this.tokens) {
      this.tokens -= cost;
      return 0;
    }
    const delay = (cost - this.tokens) * interval - (now - this.lastUpdate);
    this.tokens = 0;
    this.lastUpdate = now + delay;
    return delay;
  }

  onPush(): void {
    const s = this.stage;
    const x = this.grab(s.in);
    let cost = 1;
    if (s.cost !== undefined) {
      try {
        cost = s.cost(x);
      } catch (e) {
        if (decide(this.decider, e) === 'stop') return this.failStage(e);
        return this.pull(s.in);
      }
      if (typeof cost !== 'number' || !Number.isInteger(cost) || cost < 0) {
        return this.failStage(new RangeError(`${this.stageName}: cost must return a non-negative integer, got ${describe(cost)}`));
      }
    }
    const delay = this.offer(cost);
    if (delay <= 0) {
      this.push(s.out, x);
    } else if (s.mode === ThrottleMode.enforcing) {
      this.failStage(new RateExceededError(`${this.stageName}: maximum throttle throughput exceeded (${s.elements} per ${s.perMs} ms, burst ${s.capacity})`));
    } else {
      this.held = x;
      this.scheduleOnce('throttle', delay);
    }
  }

  onPull(): void {
    this.pull(this.stage.in);
  }

  onUpstreamFinish(): void {
    if (this.isTimerActive('throttle')) this.willStop = true;
    else this.completeStage();
  }

  protected onTimer(): void {
    const x = this.held as T;
    this.held = undefined;
    this.push(this.stage.out, x);
    if (this.willStop) this.completeStage();
  }
}
