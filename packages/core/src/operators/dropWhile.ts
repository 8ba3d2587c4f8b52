import type { Attributes, Decider } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide, FlowStage } from './FlowStage.js';
import { fuseFirst } from './fused.js';
import { FUSABLE, FUSE, type Fusable, type FusionHost, type FusionPart, SKIP, statefulPart } from './fusion.js';
import { requireFunction } from './validate.js';

/** `dropWhile(p)`: discards elements while `p` holds, then passes everything. Supervision: resume/restart drop the failing element. */
export class DropWhile<T> extends FlowStage<T, T> implements Fusable, FusionHost {
  constructor(readonly p: (x: T) => boolean) {
    super('dropWhile');
    requireFunction('dropWhile', 'predicate', p);
  }
  /** Fused: a failing predicate drops the element and keeps dropping (the host's supervision). */
  get [FUSABLE](): FusionPart {
    const p = this.p as (x: unknown) => boolean;
    return statefulPart(this.defaultName, () => {
      let dropping = true;
      return (x) => {
        if (dropping) {
          if (p(x)) return SKIP;
          dropping = false;
        }
        return x;
      };
    });
  }
  [FUSE](next: Fusable) {
    return fuseFirst(this, next);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new DropWhileLogic(this, attributes.supervisionDecider);
  }
}

class DropWhileLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  private dropping = true;
  constructor(
    private readonly stage: DropWhile<T>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  onPush(): void {
    const s = this.stage;
    const x = this.grab(s.in);
    if (this.dropping) {
      let drop: boolean;
      try {
        drop = !!s.p(x);
      } catch (e) {
        if (decide(this.decider, e) === 'stop') this.failStage(e);
        else this.pull(s.in);
        return;
      }
      if (drop) return this.pull(s.in);
      this.dropping = false;
    }
    this.push(s.out, x);
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
}
