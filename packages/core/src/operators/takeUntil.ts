import type { Attributes, Decider } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide, FlowStage } from './FlowStage.js';
import { requireFunction } from './validate.js';

/**
 * `takeUntil(p)` (Reactor's semantics): passes elements up to and including the first one for which
 * `p` holds, then completes and cancels upstream. Supervision: `resume`/`restart` drop the element on
 * which `p` threw and go on.
 */
export class TakeUntil<T> extends FlowStage<T, T> {
  constructor(readonly p: (x: T) => boolean) {
    super('takeUntil');
    requireFunction('takeUntil', 'predicate', p);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new TakeUntilLogic(this, attributes.supervisionDecider);
  }
}

class TakeUntilLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  constructor(
    private readonly stage: TakeUntil<T>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  onPush(): void {
    const s = this.stage;
    const x = this.grab(s.in);
    let last: boolean;
    try {
      last = !!s.p(x);
    } catch (e) {
      if (decide(this.decider, e) === 'stop') this.failStage(e);
      else this.pull(s.in);
      return;
    }
    this.push(s.out, x);
    if (last) this.completeStage();
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
}
