import { GraphStageLogic, type OutHandler } from '../stage/GraphStageLogic.js';
import { SourceStage } from './SourceStage.js';

/** `Source.single(x)`: emits `x` once, then completes. */
export class SingleSource<T> extends SourceStage<T> {
  constructor(readonly element: T) {
    super('single');
  }
  createLogic(): GraphStageLogic {
    return new SingleLogic(this);
  }
}

class SingleLogic<T> extends GraphStageLogic implements OutHandler {
  constructor(private readonly stage: SingleSource<T>) {
    super(stage.shape);
    this.setHandler(stage.out, this);
  }
  onPull(): void {
    this.push(this.stage.out, this.stage.element);
    this.completeStage();
  }
}
