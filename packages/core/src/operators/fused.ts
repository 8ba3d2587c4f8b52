import type { Attributes, Decider } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide, FlowStage } from './FlowStage.js';
import { composeFused, type Fusable, type FusedFn, fusedName, type FusionHost, SKIP } from './fusion.js';

/** Several fused stateless operators (map/filter/filterNot/collect) running as one stage. */
export class Fused<I, O> extends FlowStage<I, O> implements Fusable, FusionHost {
  constructor(
    readonly fusedFn: FusedFn,
    private readonly names: string,
  ) {
    super('fused');
  }
  override get defaultName(): string {
    return this.names;
  }
  fuse(next: Fusable): Fused<I, unknown> {
    return new Fused(composeFused(this.fusedFn, next.fusedFn), fusedName(this.names, next.defaultName));
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new FusedLogic(this, attributes.supervisionDecider);
  }
}

/** Helper for fusable single operators: they fuse with a follower into a `Fused` stage. */
export function fuseFirst(first: Fusable, next: Fusable): Fused<unknown, unknown> {
  return new Fused(composeFused(first.fusedFn, next.fusedFn), fusedName(first.defaultName, next.defaultName));
}

class FusedLogic<I, O> extends GraphStageLogic implements InHandler, OutHandler {
  private readonly fn: FusedFn;
  constructor(
    private readonly stage: Fused<I, O>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.fn = stage.fusedFn;
    this.setHandlers(stage.in, stage.out, this);
  }
  onPush(): void {
    const s = this.stage;
    let y: unknown;
    try {
      y = this.fn(this.grab(s.in));
    } catch (e) {
      if (decide(this.decider, e) === 'stop') this.failStage(e);
      else this.pull(s.in);
      return;
    }
    if (y === SKIP) this.pull(s.in);
    else this.push(s.out, y as O);
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
}
