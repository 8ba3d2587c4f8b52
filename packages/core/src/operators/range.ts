import { GraphStageLogic, type OutHandler } from '../stage/GraphStageLogic.js';
import { SourceStage } from './SourceStage.js';
import { requireFiniteNumber } from './validate.js';

/** `Source.range(start, endInclusive, step)`: start, start+step, … up to and including `endInclusive`. */
export class RangeSource extends SourceStage<number> {
  constructor(
    readonly start: number,
    readonly end: number,
    readonly step: number,
  ) {
    super('range');
    requireFiniteNumber('Source.range', 'start', start);
    requireFiniteNumber('Source.range', 'endInclusive', end);
    requireFiniteNumber('Source.range', 'step', step);
    if (step === 0) throw new RangeError('Source.range: step must not be 0');
  }
  createLogic(): GraphStageLogic {
    return new RangeLogic(this);
  }
}

class RangeLogic extends GraphStageLogic implements OutHandler {
  private next: number;
  private readonly end: number;
  private readonly step: number;
  constructor(private readonly stage: RangeSource) {
    super(stage.shape);
    this.next = stage.start;
    this.end = stage.end;
    this.step = stage.step;
    this.setHandler(stage.out, this);
  }
  override preStart(): void {
    if (this.step > 0 ? this.next > this.end : this.next < this.end) this.completeStage();
  }
  onPull(): void {
    const x = this.next;
    this.next = x + this.step;
    this.push(this.stage.out, x);
    if (this.step > 0 ? this.next > this.end : this.next < this.end) this.completeStage();
  }
}
