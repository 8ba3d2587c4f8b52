import type { Attributes, Decider } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide, FlowStage } from './FlowStage.js';
import { AsyncSlot, Failed, Idle, Pending, subscribe } from './mapAsyncInternals.js';
import { requireFunction } from './validate.js';

/**
 * `scanAsync(zero, f)`: emits `zero`, then each accumulation `f(acc, x)` resolves to; one call in flight
 * at a time. Supervision on a rejection or throw: `resume` keeps the accumulator, `restart` resets it to
 * `zero`; the element is dropped either way.
 */
export class ScanAsync<I, S> extends FlowStage<I, S> {
  constructor(
    readonly zero: S,
    readonly f: (acc: S, x: I) => S | PromiseLike<S>,
  ) {
    super('scanAsync');
    requireFunction('scanAsync', 'f', f);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new ScanAsyncLogic(this, attributes.supervisionDecider);
  }
}

class ScanAsyncLogic<I, S> extends GraphStageLogic implements InHandler, OutHandler {
  private acc: S;
  private zeroSent = false;
  /** The one call in flight (its handlers are created once, with the logic). */
  private readonly slot: AsyncSlot<I, S>;

  constructor(
    private readonly stage: ScanAsync<I, S>,
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

  onPull(): void {
    if (!this.zeroSent) {
      this.zeroSent = true;
      this.push(this.stage.out, this.acc);
    } else if (this.slot.state === Idle) {
      this.pullOrFinish();
    }
  }

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

  onUpstreamFinish(): void {
    if (!this.zeroSent) {
      this.zeroSent = true;
      this.emit(this.stage.out, this.acc, () => this.completeStage());
    } else if (this.slot.state === Idle) {
      this.completeStage();
    }
    // else: the running call decides (its result is emitted, then the stage completes)
  }

  private settled(): void {
    const slot = this.slot;
    const failed = slot.outcome === Failed;
    const value = slot.value as S;
    const error = slot.error;
    slot.reset();
    if (!failed) {
      this.acc = value;
      this.push(this.stage.out, value); // downstream pulled before the element was requested
      if (this.isClosed(this.stage.in)) this.completeStage();
      return;
    }
    const d = decide(this.decider, error);
    if (d === 'stop') return this.failStage(error);
    if (d === 'restart') this.acc = this.stage.zero;
    this.pullOrFinish();
  }

  private pullOrFinish(): void {
    const inlet = this.stage.in;
    if (this.isClosed(inlet)) this.completeStage();
    else if (!this.hasBeenPulled(inlet)) this.pull(inlet);
  }
}
