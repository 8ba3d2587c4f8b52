import { GraphStageLogic, type OutHandler } from '../stage/GraphStageLogic.js';
import { SourceStage } from './SourceStage.js';
import { requireFunction } from './validate.js';

/** `Source.lazySingle(create)`: calls `create()` on the first pull, emits its result and completes; a throw fails the stream. */
export class LazySingleSource<T> extends SourceStage<T> {
  constructor(readonly create: () => T) {
    super('lazySingle');
    requireFunction('Source.lazySingle', 'create', create);
  }
  createLogic(): GraphStageLogic {
    return new LazySingleLogic(this);
  }
}

class LazySingleLogic<T> extends GraphStageLogic implements OutHandler {
  constructor(private readonly stage: LazySingleSource<T>) {
    super(stage.shape);
    this.setHandler(stage.out, this);
  }
  onPull(): void {
    this.push(this.stage.out, this.stage.create());
    this.completeStage();
  }
}
