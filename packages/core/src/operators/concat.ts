import { GraphStage } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { UniformFanInShape } from '../stage/UniformFanInShape.js';
import { requirePositiveInt } from './validate.js';

/**
 * `Concat(n)`: emits all elements of input 0, then of input 1, and so on; an input is consumed only
 * after all before it completed. With `detachedInputs` (the default, behind `concat`/`prepend`) every
 * input is pulled once at start and after each element it delivered, so each holds a one-element
 * buffer; without (behind `concatLazy`) an input is pulled only when it is current and downstream has
 * demand. All inputs are materialized together either way. Completes when the last input completed.
 */
export class Concat<T> extends GraphStage<UniformFanInShape<T, T>> {
  readonly shape: UniformFanInShape<T, T>;
  constructor(
    readonly inputs: number,
    readonly detachedInputs = true,
  ) {
    super();
    requirePositiveInt('Concat', 'inputs', inputs);
    this.shape = UniformFanInShape.named<T, T>('Concat', inputs);
  }
  override get defaultName(): string {
    return 'Concat';
  }
  createLogic(): GraphStageLogic {
    return new ConcatLogic(this);
  }
}

class ConcatLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  private active = 0;
  constructor(private readonly stage: Concat<T>) {
    super(stage.shape);
    this.setHandler(stage.shape.out, this);
    for (const inlet of stage.shape.inlets) this.setHandler(inlet, this);
  }

  override preStart(): void {
    if (this.stage.detachedInputs) for (const inlet of this.stage.shape.inlets) this.pull(inlet);
  }

  onPush(): void {
    this.drive();
  }
  onUpstreamFinish(): void {
    this.drive();
  }
  onPull(): void {
    this.drive();
  }

  /** Serves the current input; moves on past inputs that completed with nothing left waiting. */
  private drive(): void {
    const ins = this.stage.shape.inlets;
    const out = this.stage.shape.out;
    while (this.active < ins.length) {
      const inlet = ins[this.active]!;
      if (this.isAvailable(inlet)) {
        if (!this.isAvailable(out)) return;
        this.push(out, this.grab(inlet));
        if (!this.isClosed(inlet)) {
          if (this.stage.detachedInputs) this.pull(inlet);
          return;
        }
        this.active++;
        continue;
      }
      if (this.isClosed(inlet)) {
        this.active++;
        continue;
      }
      if (this.isAvailable(out) && !this.hasBeenPulled(inlet)) this.pull(inlet);
      return;
    }
    this.completeStage();
  }
}
