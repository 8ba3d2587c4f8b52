import type { Attributes, Decider } from '../stage/Attributes.js';
import { type AsyncCallback, GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide, FlowStage } from './FlowStage.js';
import { AsyncSlot, Failed, Pending, subscribe, Succeeded } from './mapAsyncInternals.js';
import { requireFunction, requirePositiveInt } from './validate.js';

/**
 * `mapAsync(parallelism, f)`: calls `f` for up to `parallelism` elements at a time and emits the results
 * in the order of the elements. A rejection (or a synchronous throw) fails the stream at once unless the
 * supervision strategy says otherwise; `resume`/`restart` drop the element, and the elements after it are
 * not held up by it.
 */
export class MapAsync<I, O> extends FlowStage<I, O> {
  constructor(
    readonly parallelism: number,
    readonly f: (x: I) => O | PromiseLike<O>,
  ) {
    super('mapAsync');
    requirePositiveInt('mapAsync', 'parallelism', parallelism);
    requireFunction('mapAsync', 'f', f);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new MapAsyncLogic(this, attributes.supervisionDecider);
  }
}

/**
 * The elements in flight sit in a ring of `parallelism` slots, oldest first. A slot stays at its ring
 * position for the life of the logic and is reused when the ring wraps around, so the steady state
 * allocates nothing but the promise reactions.
 */
class MapAsyncLogic<I, O> extends GraphStageLogic implements InHandler, OutHandler {
  private ring: (AsyncSlot<I, O> | undefined)[];
  private head = 0;
  private count = 0;
  private readonly onSettled: AsyncCallback<AsyncSlot<I, O>>;

  constructor(
    private readonly stage: MapAsync<I, O>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.ring = new Array<AsyncSlot<I, O> | undefined>(Math.min(stage.parallelism, 1024));
    this.setHandlers(stage.in, stage.out, this);
    this.onSettled = this.getAsyncCallback((slot) => {
      if (slot.state !== Pending) return;
      slot.state = slot.outcome;
      if (slot.state === Failed && this.directive(slot) === 'stop') this.failStage(slot.error);
      else this.pushNextIfPossible();
    });
  }

  onPush(): void {
    const s = this.stage;
    const x = this.grab(s.in);
    let result: O | PromiseLike<O>;
    try {
      result = s.f(x);
    } catch (e) {
      if (decide(this.decider, e) === 'stop') return this.failStage(e);
      return this.pullIfNeeded();
    }
    const slot = this.enqueue();
    try {
      if (subscribe(slot, result)) slot.state = Succeeded;
    } catch (e) {
      slot.error = e;
      slot.state = Failed;
      if (this.directive(slot) === 'stop') return this.failStage(e);
    }
    this.pushNextIfPossible();
  }

  onPull(): void {
    this.pushNextIfPossible();
  }

  onUpstreamFinish(): void {
    if (this.count === 0) this.completeStage();
  }

  private enqueue(): AsyncSlot<I, O> {
    let ring = this.ring;
    if (this.count === ring.length) ring = this.grow();
    const i = (this.head + this.count) % ring.length;
    let slot = ring[i];
    if (slot === undefined) ring[i] = slot = new AsyncSlot<I, O>(this.onSettled);
    slot.state = Pending;
    this.count++;
    return slot;
  }

  /** The ring starts small for a huge `parallelism` and grows up to it only if that many are in flight. */
  private grow(): (AsyncSlot<I, O> | undefined)[] {
    const old = this.ring;
    const next = new Array<AsyncSlot<I, O> | undefined>(Math.min(old.length * 2, this.stage.parallelism));
    for (let k = 0; k < this.count; k++) next[k] = old[(this.head + k) % old.length];
    this.ring = next;
    this.head = 0;
    return next;
  }

  private dequeue(): AsyncSlot<I, O> {
    const slot = this.ring[this.head]!;
    this.head = (this.head + 1) % this.ring.length;
    this.count--;
    return slot;
  }

  private directive(slot: AsyncSlot<I, O>) {
    return (slot.directive ??= decide(this.decider, slot.error));
  }

  /** Emits the oldest result if it is there and wanted; results of failed elements that are resumed are skipped. */
  private pushNextIfPossible(): void {
    const out = this.stage.out;
    while (this.count > 0) {
      const slot = this.ring[this.head]!;
      if (slot.state === Succeeded) {
        if (!this.isAvailable(out)) break;
        const v = slot.value as O;
        slot.reset();
        this.dequeue();
        this.push(out, v);
      } else if (slot.state === Failed) {
        if (this.directive(slot) === 'stop') return this.failStage(slot.error);
        slot.reset();
        this.dequeue();
      } else {
        break; // the oldest is still running: keep the order
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
