import type { Attributes, Decider } from '../stage/Attributes.js';
import { type AsyncCallback, GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide, FlowStage } from './FlowStage.js';
import { Ring } from './hubInternals.js';
import { AsyncSlot, Failed, Pending, subscribe } from './mapAsyncInternals.js';
import { requireFunction, requirePositiveInt } from './validate.js';

/**
 * `mapAsyncPartitionedUnordered(parallelism, partitioner, f)` (Pekko's): at most one call of `f` in flight
 * per partition — the elements of a partition are processed one after the other, in their order — while
 * different partitions run concurrently; results are emitted as soon as they are there (completion
 * order). At most `parallelism` elements are taken in at a time: waiting for their partition, running,
 * or finished but not yet emitted. Supervision as for `mapAsync`, also for the partitioner:
 * `resume`/`restart` drop the element.
 */
export class MapAsyncPartitionedUnordered<I, P, O> extends FlowStage<I, O> {
  constructor(
    readonly parallelism: number,
    readonly partitioner: (x: I) => P,
    readonly f: (x: I, partition: P) => O | PromiseLike<O>,
  ) {
    super('mapAsyncPartitionedUnordered');
    requirePositiveInt('mapAsyncPartitionedUnordered', 'parallelism', parallelism);
    requireFunction('mapAsyncPartitionedUnordered', 'partitioner', partitioner);
    requireFunction('mapAsyncPartitionedUnordered', 'f', f);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new MapAsyncPartitionedUnorderedLogic(this, attributes.supervisionDecider);
  }
}

const Running = 0;
const Done = 1;
const StageFailed = 2;
type CallOutcome = typeof Running | typeof Done | typeof StageFailed;

/**
 * `busy` maps each partition with a call in flight to the elements queued behind that call (a `Map`,
 * so partitions compare like `Map` keys); `results` holds finished results downstream has not asked
 * for yet. Elements taken in = running + queued + finished, never more than `parallelism`.
 */
class MapAsyncPartitionedUnorderedLogic<I, P, O> extends GraphStageLogic implements InHandler, OutHandler {
  private readonly busy = new Map<P, I[]>();
  private readonly results = new Ring<O>();
  private running = 0;
  private queued = 0;
  private readonly free: AsyncSlot<I, O>[] = [];
  private readonly onSettled: AsyncCallback<AsyncSlot<I, O>>;

  constructor(
    private readonly stage: MapAsyncPartitionedUnordered<I, P, O>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
    this.onSettled = this.getAsyncCallback((slot) => {
      if (slot.state !== Pending) return;
      const partition = slot.partition as P;
      if (this.finished(slot) && this.continuePartition(partition)) this.pullIfNeeded();
    });
  }

  onPush(): void {
    const s = this.stage;
    const x = this.grab(s.in);
    let partition: P;
    try {
      partition = s.partitioner(x);
    } catch (e) {
      if (decide(this.decider, e) === 'stop') return this.failStage(e);
      return this.pullIfNeeded();
    }
    const queue = this.busy.get(partition);
    if (queue !== undefined) {
      queue.push(x);
      this.queued++;
    } else {
      this.busy.set(partition, []);
      const outcome = this.call(x, partition);
      if (outcome === StageFailed || (outcome === Done && !this.continuePartition(partition))) return;
    }
    this.pullIfNeeded();
  }

  onPull(): void {
    if (this.results.size > 0) this.push(this.stage.out, this.results.shift());
    this.pullIfNeeded();
  }

  onUpstreamFinish(): void {
    if (this.taken === 0) this.completeStage();
  }

  private get taken(): number {
    return this.running + this.queued + this.results.size;
  }

  /**
   * Calls `f` for `x` (its partition is marked busy). `Done`: the call finished synchronously, so the
   * caller moves on to the partition's next element; `Running`: it settles later.
   */
  private call(x: I, partition: P): CallOutcome {
    const slot = this.free.pop() ?? new AsyncSlot<I, O>(this.onSettled);
    slot.partition = partition;
    slot.state = Pending;
    this.running++;
    let sync: boolean;
    try {
      sync = subscribe(slot, this.stage.f(x, partition));
    } catch (e) {
      slot.error = e;
      slot.outcome = Failed;
      sync = true;
    }
    if (!sync) return Running;
    return this.finished(slot) ? Done : StageFailed;
  }

  /** A call settled: emits or stores its result, or applies supervision. False if the stage failed. */
  private finished(slot: AsyncSlot<I, O>): boolean {
    this.running--;
    const failed = slot.outcome === Failed;
    const value = slot.value as O;
    const error = slot.error;
    slot.reset();
    this.free.push(slot);
    if (failed) {
      if (decide(this.decider, error) !== 'stop') return true;
      this.failStage(error);
      return false;
    }
    const out = this.stage.out;
    if (this.isAvailable(out)) this.push(out, value);
    else this.results.push(value);
    return true;
  }

  /**
   * The partition's call finished: starts its next queued element (and the ones after it, as long as
   * they finish synchronously), or marks the partition free. False if the stage failed.
   */
  private continuePartition(partition: P): boolean {
    for (;;) {
      const queue = this.busy.get(partition)!;
      if (queue.length === 0) {
        this.busy.delete(partition);
        return true;
      }
      this.queued--;
      const outcome = this.call(queue.shift()!, partition);
      if (outcome !== Done) return outcome === Running;
    }
  }

  private pullIfNeeded(): void {
    const inlet = this.stage.in;
    if (this.isClosed(inlet)) {
      if (this.taken === 0) this.completeStage();
    } else if (this.taken < this.stage.parallelism && !this.hasBeenPulled(inlet)) {
      this.pull(inlet);
    }
  }
}
