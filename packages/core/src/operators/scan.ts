import type { Attributes, Decider } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { FoldAccumulator } from './accumulators.js';
import { decide, FlowStage } from './FlowStage.js';
import { fuseFirst } from './fused.js';
import { FUSABLE, FUSE, type Fusable, FusedStop, type FusionHost, type FusionPart, SKIP, statefulPart } from './fusion.js';
import { requireFunction } from './validate.js';

/**
 * `scan(zero, f)`: emits `zero`, then each intermediate accumulation. An empty stream emits just `zero`.
 * Supervision: resume drops the element and keeps the accumulator; restart drops it, resets the
 * accumulator to `zero` and emits `zero` again (as Pekko does).
 */
export class Scan<I, S> extends FlowStage<I, S> implements Fusable, FusionHost {
  constructor(
    readonly zero: S,
    readonly f: (acc: S, x: I) => S,
  ) {
    super('scan');
    requireFunction('scan', 'f', f);
  }
  /** Fused: the accumulator lives in the function made per materialization; the seed goes out first. */
  get [FUSABLE](): FusionPart {
    const zero = this.zero as unknown;
    const f = this.f as (acc: unknown, x: unknown) => unknown;
    return statefulPart(
      this.defaultName,
      (ctx) => {
        const acc = new FoldAccumulator(zero, f);
        return (x) => {
          try {
            acc.accept(x);
          } catch (e) {
            const d = decide(ctx.decider, e);
            if (d === 'stop') throw new FusedStop(e);
            if (d === 'resume') return SKIP;
            acc.restart(); // the seed goes out again in place of the dropped element
          }
          return acc.acc;
        };
      },
      { seeded: true, seed: zero },
    );
  }
  [FUSE](next: Fusable) {
    return fuseFirst(this, next);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new ScanLogic(this, attributes.supervisionDecider);
  }
}

class ScanLogic<I, S> extends GraphStageLogic implements InHandler, OutHandler {
  private readonly acc: FoldAccumulator<S>;
  private zeroSent = false;
  constructor(
    private readonly stage: Scan<I, S>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.acc = new FoldAccumulator(stage.zero, stage.f as (acc: S, x: unknown) => S);
    this.setHandlers(stage.in, stage.out, this);
  }
  onPull(): void {
    if (this.zeroSent) {
      this.pull(this.stage.in);
    } else {
      this.zeroSent = true;
      this.push(this.stage.out, this.acc.acc);
    }
  }
  onPush(): void {
    const s = this.stage;
    const x = this.grab(s.in);
    try {
      this.acc.accept(x);
    } catch (e) {
      const d = decide(this.decider, e);
      if (d === 'stop') return this.failStage(e);
      if (d === 'resume') return this.pull(s.in);
      // restart: the seed goes out again in place of the dropped element, so downstream sees the restart.
      this.acc.restart();
    }
    this.push(s.out, this.acc.acc);
  }
  onUpstreamFinish(): void {
    if (this.zeroSent) this.completeStage();
    else {
      this.zeroSent = true;
      this.emit(this.stage.out, this.acc.acc, () => this.completeStage());
    }
  }
}
