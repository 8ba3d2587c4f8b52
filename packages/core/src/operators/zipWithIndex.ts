import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { FlowStage } from './FlowStage.js';

/** `zipWithIndex()`: pairs each element with its position, starting at 0. */
export class ZipWithIndex<T> extends FlowStage<T, [T, number]> {
  constructor() {
    super('zipWithIndex');
  }
  createLogic(): GraphStageLogic {
    return new ZipWithIndexLogic(this);
  }
}

class ZipWithIndexLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  private index = 0;
  constructor(private readonly stage: ZipWithIndex<T>) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  onPush(): void {
    const s = this.stage;
    this.push(s.out, [this.grab(s.in), this.index++]);
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
}
