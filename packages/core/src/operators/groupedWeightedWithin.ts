import type { Attributes, Decider } from '../stage/Attributes.js';
import type { InHandler, OutHandler } from '../stage/GraphStageLogic.js';
import { TimerGraphStageLogic } from '../stage/TimerGraphStageLogic.js';
import { requireDuration, requirePositiveWeight } from './durations.js';
import { decide, FlowStage } from './FlowStage.js';
import { describe, requireFunction, requirePositiveInt } from './validate.js';

const GroupTimer = 'groupedWithin';

/**
 * `groupedWeightedWithin(maxWeight, maxNumber?, costFn, ms)`: chunks the stream into groups emitted
 * every `ms` (if not empty), or as soon as a group reaches `maxWeight` (by `costFn`) or `maxNumber`
 * elements, whichever comes first. An element heavier than `maxWeight` forms a group of its own; an
 * element that does not fit waits for the next group (backpressuring upstream meanwhile). The clock
 * restarts whenever a group closes because it is full. Supervision (for `costFn`), as in Pekko: `resume`
 * drops the element and keeps the current group; `restart` drops it together with the current group
 * and starts a new time window.
 */
export class GroupedWeightedWithin<T> extends FlowStage<T, T[]> {
  constructor(
    readonly maxWeight: number,
    readonly maxNumber: number,
    readonly costFn: ((x: T) => number) | null,
    readonly intervalMs: number,
    name = 'groupedWeightedWithin',
  ) {
    super(name);
    if (costFn !== null) {
      requirePositiveWeight(name, 'maxWeight', maxWeight);
      if (maxNumber !== Infinity) requirePositiveInt(name, 'maxNumber', maxNumber);
      requireFunction(name, 'costFn', costFn);
    }
    requireDuration(name, 'ms', intervalMs);
  }
  createLogic(attributes: Attributes): TimerGraphStageLogic {
    return new GroupedWeightedWithinLogic(this, attributes.supervisionDecider);
  }
}

class GroupedWeightedWithinLogic<T> extends TimerGraphStageLogic implements InHandler, OutHandler {
  private buf: T[] = [];
  private totalWeight = 0;
  /** An element that did not fit into the current group; it starts the next one. */
  private pending: T | undefined = undefined;
  private hasPending = false;
  private pendingWeight = 0;
  /** The group is ready: emit it as soon as downstream pulls. */
  private pushEagerly = false;
  private groupEmitted = true;
  private finished = false;

  constructor(
    private readonly stage: GroupedWeightedWithin<T>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }

  override preStart(): void {
    this.restartClock();
    this.pull(this.stage.in);
  }

  private restartClock(): void {
    this.scheduleWithFixedDelay(GroupTimer, this.stage.intervalMs, this.stage.intervalMs);
  }

  private nextElement(x: T): void {
    const s = this.stage;
    let cost = 0;
    if (s.costFn !== null) {
      try {
        cost = s.costFn(x);
      } catch (e) {
        const d = decide(this.decider, e);
        if (d === 'stop') return this.failStage(e);
        if (d === 'restart') {
          // Pekko: the group collected so far is dropped and its time window starts anew.
          this.resetGroup();
          this.restartClock();
        }
        if (!this.hasBeenPulled(s.in) && !this.isClosed(s.in)) this.pull(s.in);
        return;
      }
      if (typeof cost !== 'number' || Number.isNaN(cost) || cost < 0) {
        return this.failStage(new RangeError(`${this.stageName}: costFn must return a non-negative number, got ${describe(cost)} for element ${describe(x)}`));
      }
    }
    this.groupEmitted = false;
    if (this.totalWeight + cost <= s.maxWeight && this.buf.length < s.maxNumber) {
      this.buf.push(x);
      this.totalWeight += cost;
      if (this.totalWeight < s.maxWeight && this.buf.length < s.maxNumber) {
        this.pull(s.in);
      } else if (!this.isAvailable(s.out)) {
        this.pushEagerly = true;
        this.pull(s.in); // zero-weight elements may still fit
      } else {
        this.restartClock();
        this.emitGroup();
      }
    } else {
      if (this.buf.length === 0) {
        // A single element heavier than maxWeight: a group of its own.
        this.buf.push(x);
        this.totalWeight += cost;
        this.pushEagerly = true;
      } else {
        this.pending = x;
        this.hasPending = true;
        this.pendingWeight = cost;
      }
      this.restartClock();
      this.tryCloseGroup();
    }
  }

  private resetGroup(): void {
    this.buf = [];
    this.totalWeight = 0;
    this.pending = undefined;
    this.hasPending = false;
    this.pendingWeight = 0;
    this.pushEagerly = false;
    this.groupEmitted = true;
  }

  private tryCloseGroup(): void {
    if (this.isAvailable(this.stage.out)) this.emitGroup();
    else if (this.hasPending || this.finished) this.pushEagerly = true;
  }

  private emitGroup(): void {
    const s = this.stage;
    this.groupEmitted = true;
    const group = this.buf;
    this.buf = [];
    this.push(s.out, group);
    if (!this.finished) {
      this.startNewGroup();
    } else if (this.hasPending) {
      const last = this.pending as T;
      this.pending = undefined;
      this.hasPending = false;
      this.emit(s.out, [last], () => this.completeStage());
    } else {
      this.completeStage();
    }
  }

  private startNewGroup(): void {
    const s = this.stage;
    this.pushEagerly = false;
    if (this.hasPending) {
      this.buf.push(this.pending as T);
      this.totalWeight = this.pendingWeight;
      this.pending = undefined;
      this.hasPending = false;
      this.groupEmitted = false;
      if (this.totalWeight >= s.maxWeight || this.buf.length >= s.maxNumber) this.pushEagerly = true;
    } else {
      this.totalWeight = 0;
    }
    if (this.isAvailable(s.in)) this.nextElement(this.grab(s.in));
    else if (!this.hasBeenPulled(s.in) && !this.isClosed(s.in)) this.pull(s.in);
  }

  onPush(): void {
    if (!this.hasPending) this.nextElement(this.grab(this.stage.in)); // otherwise it waits in the inlet
  }

  onPull(): void {
    if (this.pushEagerly) this.emitGroup();
  }

  onUpstreamFinish(): void {
    this.finished = true;
    if (this.groupEmitted) this.completeStage();
    else this.tryCloseGroup();
  }

  protected onTimer(): void {
    if (this.buf.length === 0) return;
    if (this.isAvailable(this.stage.out)) this.emitGroup();
    else this.pushEagerly = true;
  }
}
