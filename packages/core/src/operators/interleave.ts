import { GraphStage } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { UniformFanInShape } from '../stage/UniformFanInShape.js';
import { requirePositiveInt } from './validate.js';

/**
 * `Interleave(n, segmentSize)`: emits `segmentSize` elements from input 0, then `segmentSize` from
 * input 1, and so on round-robin; an input that completed is skipped. Only the current input is
 * pulled, and only on demand. Completes when all inputs completed, or — with `eagerClose` — when any did.
 */
export class Interleave<T> extends GraphStage<UniformFanInShape<T, T>> {
  readonly shape: UniformFanInShape<T, T>;
  constructor(
    readonly inputs: number,
    readonly segmentSize: number,
    readonly eagerClose = false,
  ) {
    super();
    requirePositiveInt('Interleave', 'inputs', inputs);
    requirePositiveInt('interleave', 'segmentSize', segmentSize);
    this.shape = UniformFanInShape.named<T, T>('Interleave', inputs);
  }
  override get defaultName(): string {
    return 'Interleave';
  }
  createLogic(): GraphStageLogic {
    return new InterleaveLogic(this);
  }
}

class InterleaveLogic<T> extends GraphStageLogic implements OutHandler {
  private counter = 0;
  private current = 0;
  private running: number;
  constructor(private readonly stage: Interleave<T>) {
    super(stage.shape);
    this.running = stage.inputs;
    this.setHandler(stage.shape.out, this);
    stage.shape.inlets.forEach((inlet, i) => this.setHandler(inlet, this.inHandler(i)));
  }

  private inHandler(i: number): InHandler {
    const inlet = this.stage.shape.inlets[i]!;
    return {
      onPush: () => {
        this.push(this.stage.shape.out, this.grab(inlet));
        if (++this.counter === this.stage.segmentSize) this.switchToNext();
      },
      onUpstreamFinish: () => {
        if (this.stage.eagerClose || --this.running === 0) return this.completeStage();
        if (i === this.current) {
          this.switchToNext();
          const out = this.stage.shape.out;
          if (this.isAvailable(out)) this.pull(this.stage.shape.inlets[this.current]!);
        }
      },
    };
  }

  /** Moves to the next input that has not completed (there is one: `running > 0`). */
  private switchToNext(): void {
    const ins = this.stage.shape.inlets;
    this.counter = 0;
    let next = this.current;
    do {
      next = (next + 1) % ins.length;
    } while (this.isClosed(ins[next]!) && next !== this.current);
    this.current = next;
  }

  onPull(): void {
    const inlet = this.stage.shape.inlets[this.current]!;
    if (!this.hasBeenPulled(inlet) && !this.isClosed(inlet)) this.pull(inlet);
  }
}
