/**
 * Shared by the mapAsync family (mapAsync, mapAsyncUnordered, mapAsyncPartitioned, and the async
 * accumulators). The ordered ring that mapAsync and mapAsyncPartitioned emit from is `OrderedAsyncLogic`
 * below.
 *
 * Each call of the user function runs in an `AsyncSlot`. Slots are pooled by the logic (there are never
 * more than `parallelism`), and each carries its two promise handlers, created once with the slot: an
 * element therefore costs the promise reaction the runtime allocates for `then` and nothing else — no
 * closure, no holder. The handlers only record the outcome and hand the slot to the stage through the
 * logic's single async callback; every state change the stage relies on happens inside the island, so a
 * slot can never be reused while a notification about its previous use is still on its way.
 */
import type { Decider, SupervisionDirective } from '../stage/Attributes.js';
import { type AsyncCallback, GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide, type FlowStage } from './FlowStage.js';

/** Slot states (set inside the island). */
export const Idle: number = 0;
/** Waiting for its partition to be free (mapAsyncPartitioned only). */
export const Waiting: number = 1;
export const Pending: number = 2;
export const Succeeded: number = 3;
export const Failed: number = 4;

export class AsyncSlot<I, O> {
  state: number = Idle;
  /** Recorded by the handlers, outside the island: Succeeded or Failed (Idle: not settled yet). */
  outcome: number = Idle;
  input: I | undefined = undefined;
  partition: unknown = undefined;
  value: O | undefined = undefined;
  error: unknown = undefined;
  /** The supervision decision for `error`, asked once. */
  directive: SupervisionDirective | null = null;
  readonly onValue: (value: O) => void;
  readonly onError: (error: unknown) => void;

  constructor(callback: AsyncCallback<AsyncSlot<I, O>>) {
    this.onValue = (value) => {
      if (this.outcome !== Idle) return; // a thenable that settles twice
      this.value = value;
      this.outcome = Succeeded;
      callback.invoke(this);
    };
    this.onError = (error) => {
      if (this.outcome !== Idle) return;
      this.error = error;
      this.outcome = Failed;
      callback.invoke(this);
    };
  }

  /** Forgets the previous use (releases the element, result and error for the GC). */
  reset(): void {
    this.state = Idle;
    this.outcome = Idle;
    this.input = undefined;
    this.partition = undefined;
    this.value = undefined;
    this.error = undefined;
    this.directive = null;
  }
}

export function isThenable(r: unknown): r is PromiseLike<unknown> {
  return r !== null && (typeof r === 'object' || typeof r === 'function') && typeof (r as { then?: unknown }).then === 'function';
}

/**
 * Subscribes `slot` to `result` (what the user function returned). A plain value, or anything that is not
 * a thenable, completes the slot synchronously: returns true and `slot.outcome` is set. May throw (a
 * `then` getter or method that throws), which callers handle like a rejection.
 */
export function subscribe<I, O>(slot: AsyncSlot<I, O>, result: O | PromiseLike<O>): boolean {
  if (isThenable(result)) {
    result.then(slot.onValue, slot.onError);
    return false;
  }
  slot.value = result;
  slot.outcome = Succeeded;
  return true;
}

/** What the ordered ring needs of its stage. */
export interface OrderedAsyncStage<I, O> extends FlowStage<I, O> {
  readonly parallelism: number;
}

/**
 * The ordered ring of mapAsync and mapAsyncPartitioned: the elements taken in sit in a ring of slots,
 * oldest first, and results leave from the head only, so they come out in element order. At most
 * `parallelism` elements are in the ring (running, waiting or finished but not yet emitted); that bound
 * is the stage's back-pressure. A slot stays at its ring position for the life of the logic and is
 * reused when the ring wraps around, so the steady state allocates nothing but the promise reactions.
 * The capacity is a power of two (index arithmetic is a mask); it starts at `parallelism` or 1024,
 * whichever is smaller, and doubles only if that many elements are actually in the ring.
 *
 * Subclasses take elements in (`onPush`: `enqueue()` a slot, start it) and react to settlements
 * (`settled`, the handler of `onSettled`, which every slot notifies). A failed head whose supervision
 * says `stop` fails the stage; `resume`/`restart` drop it without holding up the elements after it.
 */
export abstract class OrderedAsyncLogic<I, O> extends GraphStageLogic implements InHandler, OutHandler {
  private slots: (AsyncSlot<I, O> | undefined)[];
  private mask: number;
  private head = 0;
  /** Slots in the ring (oldest at `head`). */
  protected count = 0;
  /** Our pull on `in` is on its way (cleared by `grabNext`): `hasBeenPulled` without the port lookup. */
  private pulled = false;
  /** Upstream completed (`onUpstreamFinish` ran). */
  private upstreamDone = false;
  protected readonly onSettled: AsyncCallback<AsyncSlot<I, O>>;

  constructor(
    protected readonly stage: OrderedAsyncStage<I, O>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    const capacity = powerOfTwoAtLeast(Math.min(stage.parallelism, 1024));
    this.slots = new Array<AsyncSlot<I, O> | undefined>(capacity);
    this.mask = capacity - 1;
    this.setHandlers(stage.in, stage.out, this);
    this.onSettled = this.getAsyncCallback(this.settled);
  }

  abstract onPush(): void;

  /** A slot's promise settled (`slot.outcome` says how); runs inside the island. */
  protected abstract settled(slot: AsyncSlot<I, O>): void;

  onPull(): void {
    this.pushNextIfPossible();
  }

  onUpstreamFinish(): void {
    this.upstreamDone = true;
    if (this.count === 0) this.completeStage();
  }

  /** Grabs the element that was pushed (for `onPush`). */
  protected grabNext(): I {
    this.pulled = false;
    return this.grab(this.stage.in);
  }

  /** True if `slot` is the oldest in the ring (the only one whose settlement can let results out). */
  protected isHead(slot: AsyncSlot<I, O>): boolean {
    return this.slots[this.head] === slot;
  }

  /** The `k`-th oldest slot in the ring (`k < count`). */
  protected slotAt(k: number): AsyncSlot<I, O> {
    return this.slots[(this.head + k) & this.mask]!;
  }

  /** Appends a slot (Idle) at the young end of the ring. */
  protected enqueue(): AsyncSlot<I, O> {
    if (this.count === this.slots.length) this.grow();
    const i = (this.head + this.count) & this.mask;
    let slot = this.slots[i];
    if (slot === undefined) this.slots[i] = slot = new AsyncSlot<I, O>(this.onSettled);
    this.count++;
    return slot;
  }

  private grow(): void {
    const old = this.slots;
    const next = new Array<AsyncSlot<I, O> | undefined>(old.length * 2);
    for (let k = 0; k < this.count; k++) next[k] = old[(this.head + k) & this.mask];
    this.slots = next;
    this.mask = next.length - 1;
    this.head = 0;
  }

  /** Removes the oldest slot, forgetting its use. */
  private dequeue(slot: AsyncSlot<I, O>): void {
    slot.reset();
    this.head = (this.head + 1) & this.mask;
    this.count--;
  }

  /** The supervision decision for a failure outside a slot (the user function or the partitioner threw). */
  protected decide(error: unknown): SupervisionDirective {
    return decide(this.decider, error);
  }

  /** The supervision decision for a failed slot (asked once per failure). */
  protected directive(slot: AsyncSlot<I, O>): SupervisionDirective {
    return (slot.directive ??= decide(this.decider, slot.error));
  }

  /** Emits the oldest result if it is there and wanted; results of failed elements that are resumed are skipped. */
  protected pushNextIfPossible(): void {
    const out = this.stage.out;
    while (this.count > 0) {
      const slot = this.slots[this.head]!;
      const state = slot.state;
      if (state === Succeeded) {
        if (!this.isAvailable(out)) break;
        const v = slot.value as O;
        this.dequeue(slot);
        this.push(out, v);
      } else if (state === Failed) {
        if (this.directive(slot) === 'stop') return this.failStage(slot.error);
        this.dequeue(slot);
      } else {
        break; // the oldest is still running (or waiting): keep the order
      }
    }
    this.pullIfNeeded();
  }

  /** Takes in one more element if there is room in the ring; completes once upstream is done and the ring is empty. */
  protected pullIfNeeded(): void {
    if (this.upstreamDone) {
      if (this.count === 0) this.completeStage();
    } else if (!this.pulled && this.count < this.stage.parallelism) {
      this.pulled = true;
      this.pull(this.stage.in);
    }
  }
}

function powerOfTwoAtLeast(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
