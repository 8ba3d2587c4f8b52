import type { Attributes, Decider } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide, FlowStage } from './FlowStage.js';
import { fuseFirst } from './fused.js';
import { FUSABLE, FUSE, type Fusable, type FusionHost, type FusionPart, SKIP, statelessPart } from './fusion.js';
import { requireFunction } from './validate.js';

/** `collect(pf)`: maps with a partial function; `undefined` means "not defined here" and drops the element. */
export class Collect<I, O> extends FlowStage<I, O> implements Fusable, FusionHost {
  constructor(readonly pf: (x: I) => O | undefined) {
    super('collect');
    requireFunction('collect', 'pf', pf);
  }
  get [FUSABLE](): FusionPart {
    const pf = this.pf as (x: unknown) => unknown;
    return statelessPart(this.defaultName, (x) => {
      const y = pf(x);
      return y === undefined ? SKIP : y;
    });
  }
  [FUSE](next: Fusable) {
    return fuseFirst(this, next);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new CollectLogic(this, attributes.supervisionDecider);
  }
}

class CollectLogic<I, O> extends GraphStageLogic implements InHandler, OutHandler {
  constructor(
    private readonly stage: Collect<I, O>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  onPush(): void {
    const s = this.stage;
    let v: O | undefined;
    try {
      v = s.pf(this.grab(s.in));
    } catch (e) {
      if (decide(this.decider, e) === 'stop') this.failStage(e);
      else this.pull(s.in);
      return;
    }
    if (v === undefined) this.pull(s.in);
    else this.push(s.out, v);
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
}
