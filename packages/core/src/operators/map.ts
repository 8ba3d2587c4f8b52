import type { Decider } from '../stage/Attributes.js';
import type { Attributes } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide, FlowStage } from './FlowStage.js';
import { fuseFirst } from './fused.js';
import type { Fusable, FusedFn, FusionHost } from './fusion.js';
import { requireFunction } from './validate.js';

/** `map(f)`: transforms each element with `f`. Supervision: resume/restart drop the failing element. */
export class Map<I, O> extends FlowStage<I, O> implements Fusable, FusionHost {
  constructor(readonly f: (x: I) => O) {
    super('map');
    requireFunction('map', 'f', f);
  }
  get fusedFn(): FusedFn {
    return this.f as FusedFn;
  }
  fuse(next: Fusable) {
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
