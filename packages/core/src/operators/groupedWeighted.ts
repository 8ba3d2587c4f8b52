import type { Attributes, Decider } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide, FlowStage } from './FlowStage.js';
import { requireFunction } from './validate.js';
import { invalidCost, requirePositiveWeight } from './weightInternals.js';

/**
 * `groupedWeighted(minWeight, costFn)`: collects elements until their total cost reaches `minWeight`,
 * then emits them as one group; the last group may weigh less. Supervision when `costFn` throws:
 * `resume` drops the element, `restart` drops it and the partial group. A cost that is not a
 * non-negative number fails the stream.
 */
export class GroupedWeighted<T> extends FlowStage<T, T[]> {
  constructor(
    readonly minWeight: number,
    readonly costFn: (x: T) => number,
  ) {
    super('groupedWeighted');
    requirePositiveWeight('groupedWeighted', 'minWeight', minWeight);
    requireFunction('groupedWeighted', 'costFn', costFn);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new GroupedWeightedLogic(this, attributes.supervisionDecider);
  }
}

class GroupedWeightedLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  private group: T[] = [];
  private weight = 0;
  constructor(
    private readonly stage: GroupedWeighted<T>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  onPush(): void {
    const s = this.stage;
    const x = this.grab(s.in);
    let cost: number;
    try {
      cost = s.costFn(x);
    } catch (e) {
      const d = decide(this.decider, e);
      if (d === 'stop') return this.failStage(e);
      if (d === 'restart') {
        this.group = [];
        this.weight = 0;
      }
      return this.pull(s.in);
    }
    const bad = invalidCost(this.stageName, cost, x);
    if (bad !== null) return this.failStage(bad);
    this.group.push(x);
    this.weight += cost;
    if (this.weight < s.minWeight) return this.pull(s.in);
    const group = this.group;
    this.group = [];
    this.weight = 0;
    this.push(s.out, group);
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
  onUpstreamFinish(): void {
    if (this.group.length > 0) this.emit(this.stage.out, this.group, () => this.completeStage());
    else this.completeStage();
  }
}
