import { GraphStage } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { UniformFanInShape } from '../stage/UniformFanInShape.js';
import { describe } from './validate.js';

/**
 * `MergePrioritized(priorities)`: like Merge, but when several inputs have an element waiting, one is
 * chosen at random with probability proportional to its priority (so an input with priority 3 is
 * served three times as often as one with priority 1 while both have elements). Completes when all
 * inputs completed, or — with `eagerComplete` — when any did (waiting elements still go out first).
 */
export class MergePrioritized<T> extends GraphStage<UniformFanInShape<T, T>> {
  readonly shape: UniformFanInShape<T, T>;
  readonly priorities: readonly number[];
  constructor(
    priorities: readonly number[],
    readonly eagerComplete = false,
    /** Source of randomness in [0, 1); replaceable for deterministic tests. */
    readonly random: () => number = Math.random,
  ) {
    super();
    if (!Array.isArray(priorities) || priorities.length === 0) {
      throw new RangeError(`MergePrioritized: priorities must be a non-empty array of positive integers, got ${describe(priorities)}`);
    }
    for (const p of priorities) {
      if (typeof p !== 'number' || !Number.isInteger(p) || p <= 0)
        throw new RangeError(`MergePrioritized: every priority must be a positive integer, got ${describe(p)}`);
    }
    this.priorities = [...priorities];
    this.shape = UniformFanInShape.named<T, T>('MergePrioritized', priorities.length);
  }
  override get defaultName(): string {
    return 'MergePrioritized';
  }
  createLogic(): GraphStageLogic {
    return new MergePrioritizedLogic(this);
  }
}

class MergePrioritizedLogic<T> extends GraphStageLogic implements OutHandler {
  /** Inputs with an element waiting (at most one each). */
  private readonly waiting: number[] = [];
  private running: number;
  constructor(private readonly stage: MergePrioritized<T>) {
    super(stage.shape);
    this.running = stage.priorities.length;
    this.setHandler(stage.shape.out, this);
    for (let i = 0; i < stage.priorities.length; i++) this.setHandler(stage.shape.inlets[i]!, this.inHandler(i));
  }

  override preStart(): void {
    for (const inlet of this.stage.shape.inlets) this.tryPull(inlet);
  }

  private inHandler(i: number): InHandler {
    const inlet = this.stage.shape.inlets[i]!;
    return {
      onPush: () => {
        if (this.waiting.length === 0 && this.isAvailable(this.stage.shape.out)) this.emitFrom(i);
        else this.waiting.push(i);
      },
      onUpstreamFinish: () => {
        if (this.stage.eagerComplete) {
          this.running = 0;
          for (const other of this.stage.shape.inlets) if (!this.isClosed(other) && !this.isAvailable(other)) this.cancel(other);
        } else {
          this.running--;
        }
        void inlet;
        if (this.running === 0 && this.waiting.length === 0) this.completeStage();
      },
    };
  }

  private emitFrom(i: number): void {
    const inlet = this.stage.shape.inlets[i]!;
    this.push(this.stage.shape.out, this.grab(inlet));
    if (this.running > 0) this.tryPull(inlet);
    else if (!this.isClosed(inlet)) this.cancel(inlet);
  }

  /** Picks a waiting input with probability proportional to its priority. */
  private pick(): number {
    const w = this.waiting;
    if (w.length === 1) return w.pop()!;
    const p = this.stage.priorities;
    let total = 0;
    for (const i of w) total += p[i]!;
    let r = this.stage.random() * total;
    let k = 0;
    for (; k < w.length - 1; k++) {
      r -= p[w[k]!]!;
      if (r < 0) break;
    }
    const chosen = w[k]!;
    w.splice(k, 1);
    return chosen;
  }

  onPull(): void {
    if (this.waiting.length > 0) this.emitFrom(this.pick());
    if (this.running === 0 && this.waiting.length === 0) this.completeStage();
  }
}
