/**
 * The stage behind `batchWeighted`, `batch`, `conflateWithSeed` and `conflate` (Akka's `Batch`): while
 * downstream is busy, incoming elements are folded into an aggregate (started with `seed`, extended with
 * `aggregate`) as long as its total cost stays within `max`; an element that does not fit waits (and
 * upstream is backpressured) until the aggregate has been emitted. Conflate is the unbounded case (every
 * element costs 0), so it never backpressures.
 *
 * Supervision, for `seed`, `aggregate` and `cost`: `resume` drops the element and keeps the aggregate;
 * `restart` drops the element and the aggregate.
 */
import type { Attributes, Decider } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide, FlowStage } from './FlowStage.js';
import { describe } from './validate.js';

export class BatchStage<I, S> extends FlowStage<I, S> {
  constructor(
    name: string,
    readonly max: number,
    readonly costFn: ((x: I) => number) | null,
    readonly seed: (x: I) => S,
    readonly aggregate: (acc: S, x: I) => S,
  ) {
    super(name);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new BatchLogic(this, attributes.supervisionDecider);
  }
}

class BatchLogic<I, S> extends GraphStageLogic implements InHandler, OutHandler {
  private agg: S | undefined = undefined;
  private hasAgg = false;
  /** Cost budget left in the current aggregate. */
  private left: number;
  private pending: I | undefined = undefined;
  private pendingCost = 0;
  private hasPending = false;

  constructor(
    private readonly stage: BatchStage<I, S>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.left = stage.max;
    this.setHandlers(stage.in, stage.out, this);
  }

  override preStart(): void {
    this.pull(this.stage.in);
  }

  /** The cost of `x`, or NaN if the cost function failed (and the failure was handled). */
  private costOf(x: I): number {
    const f = this.stage.costFn;
    if (f === null) return 0;
    let c: number;
    try {
      c = f(x);
    } catch (e) {
      this.failed(e);
      return NaN;
    }
    if (typeof c !== 'number' || Number.isNaN(c) || c < 0) {
      this.failStage(new RangeError(`${this.stageName}: cost must return a non-negative number, got ${describe(c)}`));
      return NaN;
    }
    return c;
  }

  private failed(e: unknown): void {
    const d = decide(this.decider, e);
    if (d === 'stop') this.failStage(e);
    else if (d === 'restart') this.restartState();
  }

  private restartState(): void {
    this.agg = undefined;
    this.hasAgg = false;
    this.left = this.stage.max;
    this.pending = undefined;
    this.hasPending = false;
  }

  /** Starts a new aggregate with `x`. */
  private startWith(x: I, cost: number): void {
    try {
      this.agg = this.stage.seed(x);
    } catch (e) {
      return this.failed(e);
    }
    this.hasAgg = true;
    this.left = this.stage.max - cost;
  }

  /** Emits the aggregate, then starts the next one with the pending element, if any. */
  private flush(): void {
    if (this.hasAgg) {
      const agg = this.agg as S;
      this.agg = undefined;
      this.hasAgg = false;
      this.left = this.stage.max;
      this.push(this.stage.out, agg);
    }
    if (this.hasPending) {
      const x = this.pending as I;
      this.pending = undefined;
      this.hasPending = false;
      this.startWith(x, this.pendingCost);
    }
  }

  onPush(): void {
    const s = this.stage;
    const x = this.grab(s.in);
    const cost = this.costOf(x);
    if (Number.isNaN(cost)) {
      if (!this.isClosed(s.in)) this.pull(s.in);
      return;
    }
    if (!this.hasAgg) {
      this.startWith(x, cost);
    } else if (this.left < cost) {
      this.pending = x;
      this.pendingCost = cost;
      this.hasPending = true;
    } else {
      try {
        this.agg = s.aggregate(this.agg as S, x);
        this.left -= cost;
      } catch (e) {
        this.failed(e);
      }
    }
    if (this.isClosed(s.out)) return; // failed by supervision
    if (this.isAvailable(s.out)) this.flush();
    if (!this.hasPending && !this.isClosed(s.in)) this.pull(s.in);
  }

  onPull(): void {
    const s = this.stage;
    if (!this.hasAgg) {
      if (this.isClosed(s.in)) this.completeStage();
      else if (!this.hasBeenPulled(s.in)) this.pull(s.in);
      return;
    }
    this.flush();
    if (this.isClosed(s.out)) return; // seed failed and stopped the stage
    if (this.isClosed(s.in)) {
      if (!this.hasAgg) this.completeStage();
    } else if (!this.hasPending && !this.hasBeenPulled(s.in)) {
      this.pull(s.in);
    }
  }

  onUpstreamFinish(): void {
    if (!this.hasAgg) this.completeStage();
  }
}
