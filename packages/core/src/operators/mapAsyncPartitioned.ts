import type { Attributes, Decider } from '../stage/Attributes.js';
import type { GraphStageLogic } from '../stage/GraphStageLogic.js';
import { FlowStage } from './FlowStage.js';
import { type AsyncSlot, Failed, OrderedAsyncLogic, Pending, Succeeded, subscribe, Waiting } from './mapAsyncInternals.js';
import { requireFunction, requirePositiveInt } from './validate.js';

/**
 * `mapAsyncPartitioned(parallelism, partitioner, f)`: like `mapAsync` (results in the order of the
 * elements, at most `parallelism` elements taken in), with at most one call of `f` in flight per partition:
 * elements of one partition are processed one after the other, in order, while different partitions run
 * concurrently. An element whose partition is busy waits in the buffer (it counts towards `parallelism`).
 * Supervision as for mapAsync, also for the partitioner: `resume`/`restart` drop the element.
 */
export class MapAsyncPartitioned<I, P, O> extends FlowStage<I, O> {
  constructor(
    readonly parallelism: number,
    readonly partitioner: (x: I) => P,
    readonly f: (x: I, partition: P) => O | PromiseLike<O>,
  ) {
    super('mapAsyncPartitioned');
    requirePositiveInt('mapAsyncPartitioned', 'parallelism', parallelism);
    requireFunction('mapAsyncPartitioned', 'partitioner', partitioner);
    requireFunction('mapAsyncPartitioned', 'f', f);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new MapAsyncPartitionedLogic(this, attributes.supervisionDecider);
  }
}

/**
 * The ordered ring (`OrderedAsyncLogic`), where a slot is Waiting (its partition is busy), Pending (its
 * call is running), or finished. `busy` holds the partitions with a call running. When a call settles,
 * its partition is released and the oldest Waiting slot of that partition starts.
 */
class MapAsyncPartitionedLogic<I, P, O> extends OrderedAsyncLogic<I, O> {
  declare protected readonly stage: MapAsyncPartitioned<I, P, O>;
  private readonly busy = new Set<unknown>();

  constructor(stage: MapAsyncPartitioned<I, P, O>, decider: Decider) {
    super(stage, decider);
  }

  onPush(): void {
    const s = this.stage;
    const x = this.grabNext();
    let partition: P;
    try {
      partition = s.partitioner(x);
    } catch (e) {
      if (this.decide(e) === 'stop') return this.failStage(e);
      return this.pullIfNeeded();
    }
    const slot = this.enqueue();
    slot.input = x;
    slot.partition = partition;
    slot.state = Waiting;
    if (!this.busy.has(partition)) {
      this.start(slot);
      if (slot.state === Failed && this.directive(slot) === 'stop') return this.failStage(slot.error);
    }
    this.pushNextIfPossible();
  }

  protected settled(slot: AsyncSlot<I, O>): void {
    if (slot.state !== Pending) return;
    this.settle(slot, slot.outcome);
    if (slot.state === Failed && this.directive(slot) === 'stop') return this.failStage(slot.error);
    this.startWaiting(slot.partition);
    this.pushNextIfPossible();
  }

  /** Calls `f` for a waiting slot; a synchronous result or throw settles it at once. */
  private start(slot: AsyncSlot<I, O>): void {
    const partition = slot.partition as P;
    this.busy.add(partition);
    slot.state = Pending;
    const x = slot.input as I;
    slot.input = undefined;
    try {
      if (subscribe(slot, this.stage.f(x, partition))) this.settle(slot, Succeeded);
    } catch (e) {
      slot.error = e;
      this.settle(slot, Failed);
    }
  }

  private settle(slot: AsyncSlot<I, O>, state: number): void {
    slot.state = state;
    this.busy.delete(slot.partition);
  }

  /** Starts the oldest waiting elements of `partition`, one at a time (more only if they finish synchronously). */
  private startWaiting(partition: unknown): void {
    for (let k = 0; k < this.count; k++) {
      const slot = this.slotAt(k);
      if (slot.state !== Waiting || !sameValueZero(slot.partition, partition)) continue;
      this.start(slot);
      if (slot.state === Pending) return;
      if (slot.state === Failed && this.directive(slot) === 'stop') return this.failStage(slot.error);
    }
  }
}

/** The equality `Set` uses for the busy partitions (NaN equals NaN). */
function sameValueZero(a: unknown, b: unknown): boolean {
  return a === b || (a !== a && b !== b);
}
