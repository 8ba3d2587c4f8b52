/**
 * What `scanAsync` and `foldAsync` share (RxJS's `scanInternals` idea): an accumulator advanced by an
 * async `f(acc, x)`, one call in flight at a time, with supervision on a rejection or a throw —
 * `resume` keeps the accumulator, `restart` resets it to `zero`, the element is dropped either way.
 * Subclasses decide what to emit: every accumulation (scan) or only the last one (fold).
 */
import type { Decider } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide, type FlowStage } from './FlowStage.js';
import { AsyncSlot, Failed, Idle, Pending, subscribe } from './mapAsyncInternals.js';

export interface AsyncAccumulatorStage<I, S> extends FlowStage<I, S> {
  readonly zero: S;
  readonly f: (acc: S, x: I) => S | PromiseLike<S>;
}

export abstract class AsyncAccumulatorLogic<I, S> extends GraphStageLogic implements InHandler, OutHandler {
  protected acc: S;
  /** The one call in flight (its handlers are created once, with the logic). */
  protected readonly slot: AsyncSlot<I, S>;

  constructor(
    protected readonly stage: AsyncAccumulatorStage<I, S>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.acc = stage.zero;
    this.setHandlers(stage.in, stage.out, this);
    this.slot = new AsyncSlot<I, S>(
      this.getAsyncCallback((slot) => {
        if (slot.state === Pending) this.settled();
      }),
    );
  }

  abstract onPull(): void;
  abstract onUpstreamFinish(): void;
  /** `f` resolved: `acc` already holds the new value. */
  protected abstract accumulated(): void;
  /** `f` failed and supervision dropped the element. */
  protected abstract dropped(): void;

  onPush(): void {
    const s = this.stage;
    const slot = this.slot;
    slot.state = Pending;
    try {
      if (!subscribe(slot, s.f(this.acc, this.grab(s.in)))) return;
    } catch (e) {
      slot.error = e;
      slot.outcome = Failed;
    }
    this.settled();
  }

  protected get idle(): boolean {
    return this.slot.state === Idle;
  }

  private settled(): void {
    const slot = this.slot;
    const failed = slot.outcome === Failed;
    const value = slot.value as S;
    const error = slot.error;
    slot.reset();
    if (!failed) {
      this.acc = value;
      return this.accumulated();
    }
    const d = decide(this.decider, error);
    if (d === 'stop') return this.failStage(error);
    if (d === 'restart') this.acc = this.stage.zero;
    this.dropped();
  }

  /** Pulls the next element, or completes if upstream is done. */
  protected pullOrFinish(): void {
    const inlet = this.stage.in;
    if (this.isClosed(inlet)) this.completeStage();
    else if (!this.hasBeenPulled(inlet)) this.pull(inlet);
  }
}
