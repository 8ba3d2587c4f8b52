import { FanOutShape2 } from '../stage/FanOutShape2.js';
import { GraphStage } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';

/**
 * `WireTap`: passes every element to the main output (out0), paced by it alone, and also offers it to
 * the tap output (out1). If the tap has not pulled, the element waits for it in a one-element slot
 * that the next element overwrites: a slow tap sees only some elements and never slows the main line.
 * The tap cancelling does not affect the main line; the main output cancelling stops the stage.
 */
export class WireTap<T> extends GraphStage<FanOutShape2<T, T, T>> {
  readonly shape = FanOutShape2.named<T, T, T>('WireTap');
  override get defaultName(): string {
    return 'WireTap';
  }
  createLogic(): GraphStageLogic {
    return new WireTapLogic(this);
  }
}

class WireTapLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  private hasPending = false;
  private pending: T | undefined = undefined;
  constructor(private readonly stage: WireTap<T>) {
    super(stage.shape);
    const s = stage.shape;
    this.setHandler(s.in, this);
    this.setHandler(s.out0, this);
    this.setHandler(s.out1, {
      onPull: () => {
        if (this.hasPending) {
          const x = this.pending as T;
          this.hasPending = false;
          this.pending = undefined;
          this.push(s.out1, x);
        }
      },
      onDownstreamFinish: () => {
        this.hasPending = false;
        this.pending = undefined;
      },
    });
  }

  onPush(): void {
    const s = this.stage.shape;
    const x = this.grab(s.in);
    this.push(s.out0, x);
    if (this.isClosed(s.out1)) return;
    if (this.isAvailable(s.out1)) this.push(s.out1, x);
    else {
      this.hasPending = true;
      this.pending = x;
    }
  }

  onPull(): void {
    this.pull(this.stage.shape.in);
  }
}
