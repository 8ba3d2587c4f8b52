import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { FlowStage } from './FlowStage.js';

/** Pass-through stage behind `Flow.create()` when it is materialized on its own (composition drops it). */
export class Identity<T> extends FlowStage<T, T> {
  constructor() {
    super('identity');
  }
  createLogic(): GraphStageLogic {
    return new IdentityLogic(this);
  }
}

class IdentityLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  constructor(private readonly stage: Identity<T>) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  onPush(): void {
    this.push(this.stage.out, this.grab(this.stage.in));
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
}
