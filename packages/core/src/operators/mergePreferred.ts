import { GraphStage } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { MergePreferredShape } from '../stage/MergePreferredShape.js';
import type { Inlet } from '../stage/Ports.js';
import { requireFiniteNonNegativeInt } from './validate.js';

/**
 * `MergePreferred(n)`: like Merge, with one extra `preferred` inlet that wins whenever it has an
 * element waiting; among the secondary inlets elements go out in arrival order. Completes when all
 * inputs completed, or — with `eagerComplete` — when any did (waiting elements still go out first).
 */
export class MergePreferred<T> extends GraphStage<MergePreferredShape<T>> {
  readonly shape: MergePreferredShape<T>;
  constructor(
    readonly secondaryPorts: number,
    readonly eagerComplete = false,
  ) {
    super();
    requireFiniteNonNegativeInt('MergePreferred', 'secondaryPorts', secondaryPorts);
    this.shape = MergePreferredShape.of<T>('MergePreferred', secondaryPorts);
  }
  override get defaultName(): string {
    return 'MergePreferred';
  }
  createLogic(): GraphStageLogic {
    return new MergePreferredLogic(this);
  }
}

class MergePreferredLogic<T> extends GraphStageLogic implements OutHandler {
  /** Ring buffer of secondary inputs holding an element, in arrival order. */
  private readonly queue: number[];
  private head = 0;
  private count = 0;
  private running: number;
  constructor(private readonly stage: MergePreferred<T>) {
    super(stage.shape);
    const n = stage.secondaryPorts;
    this.queue = new Array<number>(Math.max(n, 1)).fill(0);
    this.running = n + 1;
    const s = stage.shape;
    this.setHandler(s.out, this);
    for (let i = 0; i < n; i++) this.setHandler(s.inlets[i]!, this.secondaryHandler(i));
    this.setHandler(s.preferred, {
      onPush: () => {
        if (this.isAvailable(s.out)) this.emitFrom(s.preferred);
      },
      onUpstreamFinish: () => this.upstreamFinished(),
    });
  }

  override preStart(): void {
    for (const inlet of this.stage.shape.inlets) this.tryPull(inlet);
  }

  private secondaryHandler(i: number): InHandler {
    const inlet = this.stage.shape.inlets[i]!;
    return {
      onPush: () => {
        if (this.count === 0 && this.isAvailable(this.stage.shape.out)) this.emitFrom(inlet);
        else {
          this.queue[(this.head + this.count) % this.queue.length] = i;
          this.count++;
        }
      },
      onUpstreamFinish: () => this.upstreamFinished(),
    };
  }

  private upstreamFinished(): void {
    if (this.stage.eagerComplete) {
      this.running = 0;
      for (const inlet of this.stage.shape.inlets) if (!this.isClosed(inlet) && !this.isAvailable(inlet)) this.cancel(inlet);
    } else {
      this.running--;
    }
    this.completeIfDone();
  }

  private completeIfDone(): void {
    if (this.running === 0 && this.count === 0 && !this.isAvailable(this.stage.shape.preferred)) this.completeStage();
  }

  private emitFrom(inlet: Inlet<T>): void {
    this.push(this.stage.shape.out, this.grab(inlet));
    if (this.running > 0) this.tryPull(inlet);
    else if (!this.isClosed(inlet)) this.cancel(inlet);
  }

  onPull(): void {
    const s = this.stage.shape;
    if (this.isAvailable(s.preferred)) {
      this.emitFrom(s.preferred);
    } else {
      while (this.count > 0) {
        const inlet = s.inlets[this.queue[this.head]!]!;
        this.head = (this.head + 1) % this.queue.length;
        this.count--;
        if (!this.isAvailable(inlet)) continue;
        this.emitFrom(inlet);
        break;
      }
    }
    this.completeIfDone();
  }
}
