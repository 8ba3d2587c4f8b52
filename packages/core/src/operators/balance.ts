import { GraphStage } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { UniformFanOutShape } from '../stage/UniformFanOutShape.js';
import { requirePositiveInt } from './validate.js';

/**
 * `Balance(n)`: each element goes to exactly one output — the first that signalled demand (outputs
 * that pulled are served in the order of their pulls). With `waitForAllDownstreams` nothing is pulled
 * from upstream until every output has pulled once. With `eagerCancel` any output's cancellation
 * cancels the stage; otherwise the stage cancels when all outputs have.
 */
export class Balance<T> extends GraphStage<UniformFanOutShape<T, T>> {
  readonly shape: UniformFanOutShape<T, T>;
  constructor(
    readonly outputs: number,
    readonly waitForAllDownstreams = false,
    readonly eagerCancel = false,
  ) {
    super();
    requirePositiveInt('Balance', 'outputs', outputs);
    this.shape = UniformFanOutShape.named<T, T>('Balance', outputs);
  }
  override get defaultName(): string {
    return 'Balance';
  }
  createLogic(): GraphStageLogic {
    return new BalanceLogic(this);
  }
}

class BalanceLogic<T> extends GraphStageLogic implements InHandler {
  /** Ring buffer of outputs waiting for an element, in the order they pulled. */
  private readonly queue: number[];
  private head = 0;
  private count = 0;
  private readonly hasPulled: boolean[];
  private needDownstreamPulls: number;
  private running: number;
  constructor(private readonly stage: Balance<T>) {
    super(stage.shape);
    const n = stage.outputs;
    this.queue = new Array<number>(n).fill(0);
    this.hasPulled = new Array<boolean>(n).fill(false);
    this.needDownstreamPulls = stage.waitForAllDownstreams ? n : 0;
    this.running = n;
    this.setHandler(stage.shape.in, this);
    for (let i = 0; i < n; i++) this.setHandler(stage.shape.outlets[i]!, this.outHandler(i));
  }

  private enqueue(i: number): void {
    this.queue[(this.head + this.count) % this.queue.length] = i;
    this.count++;
  }

  private dequeue(): number {
    const i = this.queue[this.head]!;
    this.head = (this.head + 1) % this.queue.length;
    this.count--;
    return i;
  }

  private outHandler(i: number): OutHandler {
    const o = this.stage.shape.outlets[i]!;
    const inlet = this.stage.shape.in;
    return {
      onPull: () => {
        if (!this.hasPulled[i]) {
          this.hasPulled[i] = true;
          if (this.needDownstreamPulls > 0) this.needDownstreamPulls--;
        }
        if (this.needDownstreamPulls === 0) {
          if (this.isAvailable(inlet)) {
            if (this.count === 0) {
              this.push(o, this.grab(inlet));
              return;
            }
          } else if (!this.hasBeenPulled(inlet) && !this.isClosed(inlet)) {
            this.pull(inlet);
          }
          this.enqueue(i);
        } else {
          this.enqueue(i);
        }
      },
      onDownstreamFinish: (cause) => {
        if (this.stage.eagerCancel) return this.cancelStage(cause);
        if (--this.running === 0) return this.cancelStage(cause);
        if (!this.hasPulled[i] && this.needDownstreamPulls > 0) {
          this.hasPulled[i] = true;
          if (--this.needDownstreamPulls === 0 && this.count > 0 && !this.hasBeenPulled(inlet) && !this.isClosed(inlet)) this.pull(inlet);
        }
      },
    };
  }

  onPush(): void {
    const outs = this.stage.shape.outlets;
    const inlet = this.stage.shape.in;
    while (this.count > 0) {
      const o = outs[this.dequeue()]!;
      if (this.isClosed(o)) continue; // cancelled after it pulled: try the next one
      this.push(o, this.grab(inlet));
      if (this.count > 0) this.pull(inlet);
      return;
    }
  }
}
