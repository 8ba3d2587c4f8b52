import type { Attributes, Decider } from '../stage/Attributes.js';
import { GraphStage } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { UniformFanOutShape } from '../stage/UniformFanOutShape.js';
import { decide } from './FlowStage.js';
import { describe, requireFunction, requirePositiveInt } from './validate.js';

/**
 * `Partition(n, f)`: sends each element to the single output `f(element)` chooses (an index in
 * `0 … n-1`). Upstream is pulled while some output has demand; an element whose output has not
 * pulled yet waits (back-pressuring everything). An element routed to an output that has already
 * cancelled is dropped — that output said it wants nothing more. An index out of range is an error
 * (a `RangeError` naming the index and the element), subject to supervision like an exception thrown
 * by `f`: resume/restart drop the element. Cancels when all outputs cancelled, or — with
 * `eagerCancel` — when any did.
 */
export class Partition<T> extends GraphStage<UniformFanOutShape<T, T>> {
  readonly shape: UniformFanOutShape<T, T>;
  constructor(
    readonly outputs: number,
    readonly partitioner: (x: T) => number,
    readonly eagerCancel = false,
  ) {
    super();
    requirePositiveInt('Partition', 'outputs', outputs);
    requireFunction('Partition', 'partitioner', partitioner);
    this.shape = UniformFanOutShape.named<T, T>('Partition', outputs);
  }
  override get defaultName(): string {
    return 'Partition';
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new PartitionLogic(this, attributes.supervisionDecider);
  }
}

class PartitionLogic<T> extends GraphStageLogic implements InHandler {
  private hasPending = false;
  private pendingElem: T | undefined = undefined;
  private pendingIdx = -1;
  private running: number;
  constructor(
    private readonly stage: Partition<T>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.running = stage.outputs;
    this.setHandler(stage.shape.in, this);
    for (let i = 0; i < stage.outputs; i++) this.setHandler(stage.shape.outlets[i]!, this.outHandler(i));
  }

  private anyOutputAvailable(): boolean {
    const outs = this.stage.shape.outlets;
    for (let i = 0; i < outs.length; i++) if (this.isAvailable(outs[i]!)) return true;
    return false;
  }

  private pullIfDemanded(): void {
    const inlet = this.stage.shape.in;
    if (!this.isClosed(inlet) && !this.hasBeenPulled(inlet) && this.anyOutputAvailable()) this.pull(inlet);
  }

  onPush(): void {
    const s = this.stage;
    const elem = this.grab(s.shape.in);
    let idx: number;
    try {
      idx = s.partitioner(elem);
      if (!Number.isInteger(idx) || idx < 0 || idx >= s.outputs) {
        throw new RangeError(
          `${this.stageName}: partitioner must return an index in [0, ${s.outputs - 1}], returned ${describe(idx)} for element ${describe(elem)}`,
        );
      }
    } catch (e) {
      if (decide(this.decider, e) === 'stop') return this.failStage(e);
      return this.pullIfDemanded();
    }
    const o = s.shape.outlets[idx]!;
    if (this.isClosed(o)) return this.pullIfDemanded();
    if (this.isAvailable(o)) {
      this.push(o, elem);
      this.pullIfDemanded();
    } else {
      this.hasPending = true;
      this.pendingElem = elem;
      this.pendingIdx = idx;
    }
  }

  onUpstreamFinish(): void {
    if (!this.hasPending) this.completeStage();
  }

  private outHandler(i: number): OutHandler {
    const o = this.stage.shape.outlets[i]!;
    return {
      onPull: () => {
        if (this.hasPending) {
          if (i !== this.pendingIdx) return;
          const elem = this.pendingElem as T;
          this.hasPending = false;
          this.pendingElem = undefined;
          this.push(o, elem);
          if (this.isClosed(this.stage.shape.in)) this.completeStage();
          else this.pullIfDemanded();
        } else {
          this.pullIfDemanded();
        }
      },
      onDownstreamFinish: (cause) => {
        if (this.stage.eagerCancel) return this.cancelStage(cause);
        if (--this.running === 0) return this.cancelStage(cause);
        if (this.hasPending && i === this.pendingIdx) {
          this.hasPending = false;
          this.pendingElem = undefined;
          if (this.isClosed(this.stage.shape.in)) this.completeStage();
          else this.pullIfDemanded();
        }
      },
    };
  }
}
