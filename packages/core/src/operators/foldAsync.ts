import type { Attributes, Decider } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide, FlowStage } from './FlowStage.js';
import { AsyncSlot, Failed, Idle, Pending, subscribe } from './mapAsyncInternals.js';
import { requireFunction } from './validate.js';

/**
 * `foldAsync(zero, f)`: folds with an async `f` (one call in flight at a time) and emits the result when
 * upstream completes. Supervision on a rejection or throw: `resume` keeps the accumulator, `restart` resets
 * it to `zero`; the element is dropped either way.
 */
export class FoldAsync<I, S> extends FlowStage<I, S> {
  constructor(
    readonly zero: S,
    readonly f: (acc: S, x: I) => S | PromiseLike<S>,
  ) {
    super('foldAsync');
    requireFunction('foldAsync', 'f', f);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new FoldAsyncLogic(this, attributes.supervisionDecider);
  }
}

class FoldAsyncLogic<I, S> extends GraphStageLogic implements InHandler, OutHandler {
  private acc: S;
  private readonly slot: AsyncSlot<I, S>;

  constructor(
    private readonly stage: FoldAsync<I, S>,
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
    const inlet = this.stage.in;
    if (this.slot.state === Idle && !this.isClosed(inlet) && !this.hasBeenPulled(inlet)) this.pull(inlet);
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
    if (this.slot.state === Idle) this.emit(this.stage.out, this.acc, () => this.completeStage());
  }

  private settled(): void {
    const slot = this.slot;
    const failed = slot.outcome === Failed;
    const value = slot.value as S;
    const error = slot.error;
    slot.reset();
    if (!failed) {
      this.acc = value;
    } else {
      const d = decide(this.decider, error);
      if (d === 'stop') return this.failStage(error);
      if (d === 'restart') this.acc = this.stage.zero;
    }
    const s = this.stage;
    if (this.isClosed(s.in)) this.emit(s.out, this.acc, () => this.completeStage());
    else if (this.isAvailable(s.out) && !this.hasBeenPulled(s.in)) this.pull(s.in);
  }
}
