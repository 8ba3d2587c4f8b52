import { GraphStageLogic, type OutHandler } from '../stage/GraphStageLogic.js';
import { SourceStage } from './SourceStage.js';
import { requireFunction } from './validate.js';

/**
 * `Source.cycle(() => iterable)`: emits the iterable's elements over and over, asking `f` for a fresh
 * iterable each round. An empty round fails the stream (it would otherwise spin forever).
 */
export class CycleSource<T> extends SourceStage<T> {
  constructor(readonly f: () => Iterable<T>) {
    super('cycle');
    requireFunction('Source.cycle', 'f', f);
  }
  createLogic(): GraphStageLogic {
    return new CycleLogic(this);
  }
}

class CycleLogic<T> extends GraphStageLogic implements OutHandler {
  private it: Iterator<T> | null = null;
  constructor(private readonly stage: CycleSource<T>) {
    super(stage.shape);
    this.setHandler(stage.out, this);
  }
  onPull(): void {
    let r = this.it === null ? undefined : this.it.next();
    if (r === undefined || r.done) {
      this.it = this.stage.f()[Symbol.iterator]();
      r = this.it.next();
      if (r.done) throw new Error(`${this.stageName}: the iterable given to Source.cycle is empty`);
    }
    this.push(this.stage.out, r.value);
  }
}
