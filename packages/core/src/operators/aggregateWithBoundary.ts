import type { Attributes, Decider } from '../stage/Attributes.js';
import type { InHandler, OutHandler } from '../stage/GraphStageLogic.js';
import { TimerGraphStageLogic } from '../stage/TimerGraphStageLogic.js';
import { decide, FlowStage } from './FlowStage.js';
import { describe, requireFunction } from './validate.js';

/** `emitOnTimer`: every `intervalMs`, `isReady(aggregate)` decides whether the aggregate goes out now. */
export type EmitOnTimer<Agg> = readonly [isReady: (aggregate: Agg) => boolean, intervalMs: number];

/**
 * `aggregateWithBoundary(allocate, aggregate, harvest, emitOnTimer?)` (Akka's): folds elements into an
 * aggregate made by `allocate()`; `aggregate(agg, x)` returns the updated aggregate and whether it is
 * complete, and a complete aggregate is turned into an output by `harvest` and emitted. With
 * `emitOnTimer`, a timer on the materializer's scheduler asks `isReady(agg)` every `intervalMs` and
 * emits a non-empty aggregate that is ready. A new aggregate is allocated for the first element after
 * each emission; on completion a pending aggregate is harvested and emitted.
 *
 * Supervision, for every user function: `stop` fails the stream. Otherwise — `allocate` or `aggregate`
 * threw: the element is dropped (`resume` keeps the aggregate as it was, `restart` discards it);
 * `harvest` threw: the aggregate is discarded; `isReady` threw: `resume` keeps the aggregate for the next
 * tick, `restart` discards it.
 */
export class AggregateWithBoundary<T, Agg, Emit> extends FlowStage<T, Emit> {
  constructor(
    readonly allocate: () => Agg,
    readonly aggregate: (agg: Agg, x: T) => readonly [Agg, boolean],
    readonly harvest: (agg: Agg) => Emit,
    readonly emitOnTimer: EmitOnTimer<Agg> | undefined,
  ) {
    super('aggregateWithBoundary');
    const op = 'aggregateWithBoundary';
    requireFunction(op, 'allocate', allocate);
    requireFunction(op, 'aggregate', aggregate);
    requireFunction(op, 'harvest', harvest);
    if (emitOnTimer !== undefined) {
      if (!Array.isArray(emitOnTimer) || emitOnTimer.length !== 2) {
        throw new TypeError(`${op}: emitOnTimer must be a pair [isReady, intervalMs], got ${describe(emitOnTimer)}`);
      }
      requireFunction(op, 'emitOnTimer[0] (isReady)', emitOnTimer[0]);
      const ms = emitOnTimer[1];
      if (typeof ms !== 'number' || !(ms > 0) || !Number.isFinite(ms)) {
        throw new RangeError(`${op}: emitOnTimer[1] (intervalMs) must be a positive finite number of milliseconds, got ${describe(ms)}`);
      }
    }
  }
  createLogic(attributes: Attributes): AggregateWithBoundaryLogic<T, Agg, Emit> {
    return new AggregateWithBoundaryLogic(this, attributes.supervisionDecider);
  }
}

const Timer = 'aggregateWithBoundary';

class AggregateWithBoundaryLogic<T, Agg, Emit> extends TimerGraphStageLogic implements InHandler, OutHandler {
  private agg: Agg | undefined = undefined;
  private hasAgg = false;
  constructor(
    private readonly stage: AggregateWithBoundary<T, Agg, Emit>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }

  override preStart(): void {
    const t = this.stage.emitOnTimer;
    if (t !== undefined) this.scheduleWithFixedDelay(Timer, t[1], t[1]);
  }

  protected onTimer(): void {
    if (!this.hasAgg) return;
    let ready: boolean;
    try {
      ready = !!this.stage.emitOnTimer![0](this.agg as Agg);
    } catch (e) {
      this.supervise(e);
      return;
    }
    if (ready) this.harvestAndEmit();
  }

  onPush(): void {
    const s = this.stage;
    const x = this.grab(s.in);
    let complete: boolean;
    try {
      const current = this.hasAgg ? (this.agg as Agg) : s.allocate();
      const r = s.aggregate(current, x);
      this.agg = r[0];
      this.hasAgg = true;
      complete = !!r[1];
    } catch (e) {
      if (!this.supervise(e)) return;
      complete = false;
    }
    if (complete && !this.harvestAndEmit()) return;
    // Pull only while downstream is waiting: after an emission (by this element or by the timer) the
    // next pull waits for downstream, or the timer could emit without back-pressure.
    if (this.isAvailable(s.out) && !this.hasBeenPulled(s.in)) this.pull(s.in);
  }

  onPull(): void {
    const inlet = this.stage.in;
    if (!this.hasBeenPulled(inlet) && !this.isClosed(inlet)) this.pull(inlet);
  }

  onUpstreamFinish(): void {
    if (this.hasAgg && !this.harvestAndEmit()) return;
    this.completeStage();
  }

  /** Emits the harvested aggregate (once downstream pulls); false if the stage failed. */
  private harvestAndEmit(): boolean {
    const agg = this.agg as Agg;
    this.agg = undefined;
    this.hasAgg = false;
    let out: Emit;
    try {
      out = this.stage.harvest(agg);
    } catch (e) {
      return this.supervise(e);
    }
    this.emit(this.stage.out, out);
    return true;
  }

  /** Applies the supervision decision for `e`; false if the stage failed. `restart` discards the aggregate. */
  private supervise(e: unknown): boolean {
    const d = decide(this.decider, e);
    if (d === 'stop') {
      this.failStage(e);
      return false;
    }
    if (d === 'restart') {
      this.agg = undefined;
      this.hasAgg = false;
    }
    return true;
  }
}
