import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { FlowStage } from './FlowStage.js';

/**
 * `detach()`: decouples upstream from downstream by one element: it asks upstream for an element before
 * downstream does, and holds it (in the inlet itself: nothing is copied) until downstream pulls.
 */
export class Detach<T> extends FlowStage<T, T> {
  constructor() {
    super('detach');
  }
  createLogic(): GraphStageLogic {
    return new DetachLogic(this);
  }
}

class DetachLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  constructor(private readonly stage: Detach<T>) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  override preStart(): void {
    this.pull(this.stage.in);
  }
  onPush(): void {
    const s = this.stage;
    if (this.isAvailable(s.out)) {
      this.push(s.out, this.grab(s.in));
      this.pull(s.in);
    }
  }
  onPull(): void {
    const s = this.stage;
    if (!this.isAvailable(s.in)) return;
    this.push(s.out, this.grab(s.in));
    if (this.isClosed(s.in)) this.completeStage();
    else this.pull(s.in);
  }
  onUpstreamFinish(): void {
    if (!this.isAvailable(this.stage.in)) this.completeStage();
  }
}
