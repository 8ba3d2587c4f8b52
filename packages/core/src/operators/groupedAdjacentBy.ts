import type { Attributes, Decider } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide, FlowStage } from './FlowStage.js';
import { requireFunction } from './validate.js';
import { invalidCost, requirePositiveWeight } from './weightInternals.js';

const unitCost = (): number => 1;

/**
 * `groupedAdjacentBy(f)` and `groupedAdjacentByWeighted(f, maxWeight, costFn)` (Pekko's): runs of
 * adjacent elements with the same key `f(x)` (compared like `Map` keys, SameValueZero) form a group;
 * a group also closes before an element that would take its weight above `maxWeight` (an element
 * heavier than `maxWeight` forms a group of its own). A group is emitted when the element after it
 * arrives, or when upstream completes.
 *
 * Supervision when `f` or `costFn` throws: `resume` drops the element, `restart` drops it and the
 * group being collected. A cost that is not a non-negative number fails the stream.
 */
export class GroupedAdjacentBy<T, K> extends FlowStage<T, T[]> {
  readonly costFn: (x: T) => number;
  constructor(
    readonly f: (x: T) => K,
    readonly maxWeight: number,
    costFn: ((x: T) => number) | null,
  ) {
    const name = costFn === null ? 'groupedAdjacentBy' : 'groupedAdjacentByWeighted';
    super(name);
    requireFunction(name, 'f', f);
    if (costFn !== null) {
      requirePositiveWeight(name, 'maxWeight', maxWeight);
      requireFunction(name, 'costFn', costFn);
    }
    this.costFn = costFn ?? unitCost;
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new GroupedAdjacentByLogic(this, attributes.supervisionDecider);
  }
}

class GroupedAdjacentByLogic<T, K> extends GraphStageLogic implements InHandler, OutHandler {
  private group: T[] = [];
  private key: K | undefined = undefined;
  private weight = 0;
  constructor(
    private readonly stage: GroupedAdjacentBy<T, K>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  onPush(): void {
    const s = this.stage;
    const x = this.grab(s.in);
    let key: K;
    let cost: number;
    try {
      key = s.f(x);
      cost = s.costFn(x);
    } catch (e) {
      const d = decide(this.decider, e);
      if (d === 'stop') return this.failStage(e);
      if (d === 'restart') this.group = [];
      return this.pull(s.in);
    }
    const bad = invalidCost(this.stageName, cost, x);
    if (bad !== null) return this.failStage(bad);
    const group = this.group;
    const startsNewGroup = group.length > 0 && (!sameValueZero(key, this.key) || this.weight + cost > s.maxWeight);
    if (startsNewGroup) {
      this.group = [x];
      this.key = key;
      this.weight = cost;
      // Downstream pulled for this element (it is only pulled on demand), so the group can go now.
      this.push(s.out, group);
      return;
    }
    if (group.length === 0) {
      this.key = key;
      this.weight = 0;
    }
    group.push(x);
    this.weight += cost;
    this.pull(s.in);
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
  onUpstreamFinish(): void {
    if (this.group.length > 0) this.emit(this.stage.out, this.group, () => this.completeStage());
    else this.completeStage();
  }
}

function sameValueZero(a: unknown, b: unknown): boolean {
  return a === b || (a !== a && b !== b);
}
