import type { Attributes, Decider } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide, FlowStage } from './FlowStage.js';
import { fuseFirst } from './fused.js';
import { FUSABLE, FUSE, type Fusable, type FusedFn, type FusionHost, type FusionPart, statelessPart } from './fusion.js';
import { requireFunction } from './validate.js';

/** `map(f)`: transforms each element with `f`. Supervision: resume/restart drop the failing element. */
export class Map<I, O> extends FlowStage<I, O> implements Fusable, FusionHost {
  constructor(readonly f: (x: I) => O) {
    super('map');
    requireFunction('map', 'f', f);
  }
  get [FUSABLE](): FusionPart {
    return statelessPart(this.defaultName, this.f as FusedFn);
  }
  [FUSE](next: Fusable) {
    return fuseFirst(this, next);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new MapLogic(this, attributes.supervisionDecider);
  }
}

class MapLogic<I, O> extends GraphStageLogic implements InHandler, OutHandler {
  constructor(
    private readonly stage: Map<I, O>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  onPush(): void {
    const s = this.stage;
    let v: O;
    try {
      v = s.f(this.grab(s.in));
    } catch (e) {
      if (decide(this.decider, e) === 'stop') this.failStage(e);
      else this.pull(s.in);
      return;
    }
    this.push(s.out, v);
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
}
