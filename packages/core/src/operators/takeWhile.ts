import type { Attributes, Decider } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide, FlowStage } from './FlowStage.js';
import { fuseFirst } from './fused.js';
import { FUSABLE, FUSE, type Fusable, type FusionHost, type FusionPart, SKIP, statefulPart } from './fusion.js';
import { requireFunction } from './validate.js';

/**
 * `takeWhile(p, inclusive)`: passes elements while `p` holds; the first element failing `p` completes
 * the stream (and is emitted too when `inclusive`). Supervision: resume/restart drop the failing element.
 * `takeUntil` is this stage with the predicate negated and `inclusive` set, under its own name.
 */
export class TakeWhile<T> extends FlowStage<T, T> implements Fusable, FusionHost {
  constructor(
    readonly p: (x: T) => boolean,
    readonly inclusive: boolean,
    name = 'takeWhile',
  ) {
    super(name);
    requireFunction(name, 'predicate', p);
  }
  /** Fused: a failing predicate drops the element (the host's supervision); a false one ends the chain. */
  get [FUSABLE](): FusionPart {
    const p = this.p as (x: unknown) => boolean;
    const inclusive = this.inclusive;
    return statefulPart(
      this.defaultName,
      (ctx) => (x) => {
        if (p(x)) return x;
        ctx.done = true;
        return inclusive ? x : SKIP;
      },
      { ends: true },
    );
  }
  [FUSE](next: Fusable) {
    return fuseFirst(this, next);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new TakeWhileLogic(this, attributes.supervisionDecider);
  }
}

class TakeWhileLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  constructor(
    private readonly stage: TakeWhile<T>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  onPush(): void {
    const s = this.stage;
    const x = this.grab(s.in);
    let ok: boolean;
    try {
      ok = !!s.p(x);
    } catch (e) {
      if (decide(this.decider, e) === 'stop') this.failStage(e);
      else this.pull(s.in);
      return;
    }
    if (ok) {
      this.push(s.out, x);
    } else {
      if (s.inclusive) this.push(s.out, x);
      this.completeStage();
    }
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
}
