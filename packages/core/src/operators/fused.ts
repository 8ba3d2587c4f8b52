import type { Attributes } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { FlowStage } from './FlowStage.js';
import {
  extendChain,
  FUSABLE,
  FUSE,
  type Fusable,
  FusedChain,
  type FusedInstance,
  type FusionHost,
  type FusionPart,
  fusedFailure,
  fusedName,
  SKIP,
} from './fusion.js';

/** Several fused operators (map/filter/collect, scan/take/drop/…) running as one stage. */
export class Fused<I, O> extends FlowStage<I, O> implements Fusable, FusionHost {
  constructor(
    readonly chain: FusedChain,
    private readonly names: string,
  ) {
    super('fused');
  }
  override get defaultName(): string {
    return this.names;
  }
  get [FUSABLE](): FusionPart | null {
    return this.chain.asPart(this.names);
  }
  [FUSE](next: Fusable): Fused<I, unknown> | null {
    const chain = this.chain.andThen(next[FUSABLE]!);
    return chain === null ? null : new Fused(chain, fusedName(this.names, next.defaultName));
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new FusedLogic(this, this.chain.instantiate(attributes.supervisionDecider));
  }
}

/** Helper for fusable single operators: they fuse with a follower into a `Fused` stage. */
export function fuseFirst(first: Fusable, next: Fusable): Fused<unknown, unknown> | null {
  const part = first[FUSABLE];
  if (part === null) return null;
  const chain = extendChain(FusedChain.of(part), next);
  return chain === null ? null : new Fused(chain, fusedName(first.defaultName, next.defaultName));
}

const Failed: unique symbol = Symbol('failed');

class FusedLogic<I, O> extends GraphStageLogic implements InHandler, OutHandler {
  constructor(
    private readonly stage: Fused<I, O>,
    private readonly run: FusedInstance,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  onPush(): void {
    const s = this.stage;
    const run = this.run;
    let y: unknown;
    try {
      y = run.fn!(this.grab(s.in));
    } catch (e) {
      const stop = fusedFailure(run.decider, e);
      if (stop !== null) this.failStage(stop.error);
      else if (run.done) this.completeStage();
      else this.pull(s.in);
      return;
    }
    if (y !== SKIP) this.push(s.out, y as O);
    if (run.done) this.completeStage();
    else if (y === SKIP) this.pull(s.in);
  }
  onPull(): void {
    const run = this.run;
    if (run.seedPending) {
      const y = this.seed();
      if (y === Failed) return;
      if (y !== SKIP) this.push(this.stage.out, y as O);
      if (run.done) return this.completeStage();
      if (y !== SKIP) return;
    }
    this.pull(this.stage.in);
  }
  onUpstreamFinish(): void {
    if (!this.run.seedPending) return this.completeStage();
    const y = this.seed();
    if (y === Failed) return;
    if (y === SKIP) this.completeStage();
    else this.emit(this.stage.out, y as O, () => this.completeStage());
  }
  /** The seed through the parts after it; SKIP when dropped; fails the stage and returns Failed on stop. */
  private seed(): unknown {
    const run = this.run;
    try {
      return run.takeSeed();
    } catch (e) {
      const stop = fusedFailure(run.decider, e);
      if (stop === null) return SKIP;
      this.failStage(stop.error);
      return Failed;
    }
  }
}
