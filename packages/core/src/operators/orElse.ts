import { FanInShape2 } from '../stage/FanInShape2.js';
import { GraphStage } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';

/**
 * `OrElse`: passes the primary input (in0) through; if it completes without having emitted anything,
 * switches to the secondary input (in1). The secondary is cancelled as soon as the primary emits its
 * first element. Both are materialized together; the secondary is pulled only after the switch.
 */
export class OrElse<T> extends GraphStage<FanInShape2<T, T, T>> {
  readonly shape = FanInShape2.named<T, T, T>('OrElse');
  override get defaultName(): string {
    return 'OrElse';
  }
  createLogic(): GraphStageLogic {
    return new OrElseLogic(this);
  }
}

class OrElseLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  private current: FanInShape2<T, T, T>['in0'];
  private primaryPushed = false;
  constructor(private readonly stage: OrElse<T>) {
    super(stage.shape);
    const s = stage.shape;
    this.current = s.in0;
    this.setHandler(s.out, this);
    this.setHandler(s.in0, this);
    this.setHandler(s.in1, {
      onPush: () => this.push(s.out, this.grab(s.in1)),
      onUpstreamFinish: () => {
        if (this.isClosed(s.in0)) this.completeStage();
      },
    });
  }

  onPull(): void {
    this.pull(this.current);
  }

  onPush(): void {
    const s = this.stage.shape;
    if (!this.primaryPushed) {
      this.primaryPushed = true;
      this.cancel(s.in1);
    }
    this.push(s.out, this.grab(s.in0));
  }

  onUpstreamFinish(): void {
    const s = this.stage.shape;
    if (!this.primaryPushed && !this.isClosed(s.in1)) {
      this.current = s.in1;
      if (this.isAvailable(s.out)) this.pull(s.in1);
    } else {
      this.completeStage();
    }
  }
}
