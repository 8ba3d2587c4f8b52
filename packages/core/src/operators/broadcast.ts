import { GraphStage } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { UniformFanOutShape } from '../stage/UniformFanOutShape.js';
import { requirePositiveInt } from './validate.js';

/**
 * `Broadcast(n)`: every element goes to all `n` outputs. It is pulled from upstream only once every
 * output that is still running has signalled demand, so the slowest output sets the pace.
 * With `eagerCancel` the stage cancels as soon as any output cancels; otherwise when all have.
 */
export class Broadcast<T> extends GraphStage<UniformFanOutShape<T, T>> {
  readonly shape: UniformFanOutShape<T, T>;
  constructor(
    readonly outputs: number,
    readonly eagerCancel = false,
  ) {
    super();
    requirePositiveInt('Broadcast', 'outputs', outputs);
    this.shape = UniformFanOutShape.named<T, T>('Broadcast', outputs);
  }
  override get defaultName(): string {
    return 'Broadcast';
  }
  createLogic(): GraphStageLogic {
    return new BroadcastLogic(this);
  }
}

class BroadcastLogic<T> extends GraphStageLogic implements InHandler {
  /** pending[i]: output i has not pulled since the last element went out. */
  private readonly pending: boolean[];
  private pendingCount: number;
  private running: number;
  constructor(private readonly stage: Broadcast<T>) {
    super(stage.shape);
    const n = stage.outputs;
    this.pending = new Array<boolean>(n).fill(true);
    this.pendingCount = n;
    this.running = n;
    this.setHandler(stage.shape.in, this);
    for (let i = 0; i < n; i++) this.setHandler(stage.shape.outlets[i]!, new BroadcastOutput(this, i));
  }

  /** Output `i` pulled. */
  onOutputPull(i: number): void {
    this.pending[i] = false;
    this.pendingCount--;
    this.pullIfReady();
  }

  /** Output `i` cancelled. */
  onOutputCancel(i: number, cause: unknown): void {
    if (this.stage.eagerCancel) return this.cancelStage(cause);
    if (--this.running === 0) return this.cancelStage(cause);
    if (this.pending[i]) {
      this.pending[i] = false;
      this.pendingCount--;
      this.pullIfReady();
    }
  }

  private pullIfReady(): void {
    const inlet = this.stage.shape.in;
    if (this.pendingCount === 0 && !this.hasBeenPulled(inlet) && !this.isClosed(inlet)) this.pull(inlet);
  }

  onPush(): void {
    const elem = this.grab(this.stage.shape.in);
    const outs = this.stage.shape.outlets;
    this.pendingCount = this.running;
    for (let i = 0; i < outs.length; i++) {
      const o = outs[i]!;
      if (!this.isClosed(o)) {
        this.push(o, elem);
        this.pending[i] = true;
      }
    }
  }
}

/** The handler of output `i`: one class for all outputs and streams (no closures per materialization). */
class BroadcastOutput<T> implements OutHandler {
  constructor(
    private readonly logic: BroadcastLogic<T>,
    private readonly i: number,
  ) {}
  onPull(): void {
    this.logic.onOutputPull(this.i);
  }
  onDownstreamFinish(cause: unknown): void {
    this.logic.onOutputCancel(this.i, cause);
  }
}
