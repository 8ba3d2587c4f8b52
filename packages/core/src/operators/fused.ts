import type { Attributes } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { FlowStage } from './FlowStage.js';
import {
  EndingHostLogic,
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
    const run = this.chain.instantiate(attributes.supervisionDecider);
    return run.hasEnds ? new EndingFusedLogic(this, run) : new FusedLogic(this, run);
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

/**
 * A fused stage whose chain has ending parts (statefulMap, grouped, sliding): when upstream ends, or a
 * part ends the chain (take) or fails, it cancels upstream and emits the ending's elements on demand
 * (`FusedInstance.nextFinal`), then completes or fails as the last unfused stage would.
 */
class EndingFusedLogic<I, O> extends EndingHostLogic<O> implements InHandler, OutHandler {
  constructor(
    private readonly stage: Fused<I, O>,
    run: FusedInstance,
  ) {
    super(stage.shape, run, stage.out);
    this.setHandlers(stage.in, stage.out, this);
  }
  override preStart(): void {
    this.run.start();
    if (this.run.ending) this.beginEnding();
  }
  onPush(): void {
    const s = this.stage;
    const run = this.run;
    let y: unknown;
    try {
      y = run.fn!(this.grab(s.in));
    } catch (e) {
      const stop = fusedFailure(run.decider, e);
      if (stop !== null) {
        run.failFromFn(stop.error);
        return this.beginEnding();
      }
      run.failedAt = -1;
      y = SKIP;
    }
    if (y !== SKIP) this.push(s.out, y as O);
    if (run.done) {
      run.completeAfterDone();
      this.beginEnding();
    } else if (y === SKIP) this.pull(s.in);
  }
  onPull(): void {
    const run = this.run;
    if (run.ending) return this.emitFinal();
    if (run.seedPending) {
      const y = run.takeSeed(); // part by part: a part's failure or end starts the ending
      if (y !== SKIP) this.push(this.stage.out, y as O);
      if (run.ending) return this.beginEnding();
      if (y !== SKIP) return;
    }
    this.pull(this.stage.in);
  }
  onUpstreamFinish(): void {
    this.run.complete();
    this.beginEnding();
  }
  onUpstreamFailure(error: unknown): void {
    this.run.fail(0, error);
    this.beginEnding();
  }
  protected stopInput(): void {
    if (!this.isClosed(this.stage.in)) this.cancel(this.stage.in);
  }
  override postStop(): void {
    this.run.cancelAll();
  }
}
