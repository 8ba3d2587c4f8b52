import type { Attributes, Decider } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide, FlowStage } from './FlowStage.js';
import { fuseFirst } from './fused.js';
import { FUSABLE, FUSE, type Fusable, type FusionHost, type FusionPart, SKIP, statelessPart } from './fusion.js';
import { requireFunction } from './validate.js';

/** `filter(p)` and `filterNot(p)`: passes elements for which `p` is true (false for filterNot). */
export class Filter<T> extends FlowStage<T, T> implements Fusable, FusionHost {
  constructor(
    readonly p: (x: T) => boolean,
    readonly negate: boolean = false,
  ) {
    super(negate ? 'filterNot' : 'filter');
    requireFunction(this.defaultName, 'predicate', p);
  }
  get [FUSABLE](): FusionPart {
    const p = this.p as (x: unknown) => boolean;
    return statelessPart(this.defaultName, this.negate ? (x) => (p(x) ? SKIP : x) : (x) => (p(x) ? x : SKIP));
  }
  [FUSE](next: Fusable) {
    return fuseFirst(this, next);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new FilterLogic(this, attributes.supervisionDecider);
  }
}

class FilterLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  private readonly negate: boolean;
  constructor(
    private readonly stage: Filter<T>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.negate = stage.negate;
    this.setHandlers(stage.in, stage.out, this);
  }
  onPush(): void {
    const s = this.stage;
    const x = this.grab(s.in);
    let ok: boolean;
    try {
      ok = !!s.p(x) !== this.negate;
    } catch (e) {
      if (decide(this.decider, e) === 'stop') this.failStage(e);
      else this.pull(s.in);
      return;
    }
    if (ok) this.push(s.out, x);
    else this.pull(s.in);
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
}
