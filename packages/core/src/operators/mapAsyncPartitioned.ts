import type { Attributes, Decider } from '../stage/Attributes.js';
import { type AsyncCallback, GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide, FlowStage } from './FlowStage.js';
import { AsyncSlot, Failed, Pending, subscribe, Succeeded, Waiting } from './mapAsyncInternals.js';
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
 * A ring of slots in element order, as in mapAsync; a slot is Waiting (its partition is busy), Pending
 * (its call is running), or finished. `busy` holds the partitions with a call running. When a call
 * settles, its partition is released and the oldest Waiting slot of that partition starts.
 */
class MapAsyncPartitionedLogic<I, P, O> extends GraphStageLogic implements InHandler, OutHandler {
  private ring: (AsyncSlot<I, O> | undefined)[];
  private head = 0;
  private count = 0;
  private readonly busy = new Set<unknown>();
  private readonly onSettled: AsyncCallback<AsyncSlot<I, O>>;

  constructor(
    private readonly stage: MapAsyncPartitioned<I, P, O>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.ring = new Array<AsyncSlot<I, O> | undefined>(Math.min(stage.parallelism, 1024));
    this.setHandlers(stage.in, stage.out, this);
    this.onSettled = this.getAsyncCallback((slot) => {
      if (slot.state !== Pending) return;
      this.settle(slot, slot.outcome);
      if (slot.state === Failed && this.directive(slot) === 'stop') return this.failStage(slot.error);
      this.startWaiting(slot.partition);
      this.pushNextIfPossible();
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

  onPull(): void {
    this.pushNextIfPossible();
  }

  onUpstreamFinish(): void {
    if (this.count === 0) this.completeStage();
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
    const ring = this.ring;
    for (let k = 0; k < this.count; k++) {
      const slot = ring[(this.head + k) % ring.length]!;
      if (slot.state !== Waiting || !sameValueZero(slot.partition, partition)) continue;
      this.start(slot);
      if (slot.state === Pending) return;
      if (slot.state === Failed && this.directive(slot) === 'stop') return this.failStage(slot.error);
    }
  }

  private enqueue(): AsyncSlot<I, O> {
    let ring = this.ring;
    if (this.count === ring.length) {
      const next = new Array<AsyncSlot<I, O> | undefined>(Math.min(ring.length * 2, this.stage.parallelism));
      for (let k = 0; k < this.count; k++) next[k] = ring[(this.head + k) % ring.length];
      this.ring = ring = next;
      this.head = 0;
    }
    const i = (this.head + this.count) % ring.length;
    let slot = ring[i];
    if (slot === undefined) ring[i] = slot = new AsyncSlot<I, O>(this.onSettled);
    this.count++;
    return slot;
  }

  private dequeue(): void {
    this.ring[this.head]!.reset();
    this.head = (this.head + 1) % this.ring.length;
    this.count--;
  }

  private directive(slot: AsyncSlot<I, O>) {
    return (slot.directive ??= decide(this.decider, slot.error));
  }

  private pushNextIfPossible(): void {
    const out = this.stage.out;
    while (this.count > 0) {
      const slot = this.ring[this.head]!;
      if (slot.state === Succeeded) {
        if (!this.isAvailable(out)) break;
        const v = slot.value as O;
        this.dequeue();
        this.push(out, v);
      } else if (slot.state === Failed) {
        if (this.directive(slot) === 'stop') return this.failStage(slot.error);
        this.dequeue();
      } else {
        break;
      }
    }
    this.pullIfNeeded();
  }

  private pullIfNeeded(): void {
    const inlet = this.stage.in;
    if (this.isClosed(inlet)) {
      if (this.count === 0) this.completeStage();
    } else if (this.count < this.stage.parallelism && !this.hasBeenPulled(inlet)) {
      this.pull(inlet);
    }
  }
}

/** The equality `Set` uses for the busy partitions (NaN equals NaN). */
function sameValueZero(a: unknown, b: unknown): boolean {
  return a === b || (a !== a && b !== b);
}
