import type { Attributes, Decider } from '../stage/Attributes.js';
import type { GraphStageLogic } from '../stage/GraphStageLogic.js';
import { FlowStage } from './FlowStage.js';
import { type AsyncSlot, Failed, OrderedAsyncLogic, Pending, Succeeded, subscribe } from './mapAsyncInternals.js';
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

/** The ordered ring (`OrderedAsyncLogic`), with one call of `f` started per element as it arrives. */
class MapAsyncLogic<I, O> extends OrderedAsyncLogic<I, O> {
  declare protected readonly stage: MapAsync<I, O>;

  constructor(stage: MapAsync<I, O>, decider: Decider) {
    super(stage, decider);
  }

  onPush(): void {
    const s = this.stage;
    const x = this.grabNext();
    let result: O | PromiseLike<O>;
    try {
      result = s.f(x);
    } catch (e) {
      if (this.decide(e) === 'stop') return this.failStage(e);
      return this.pullIfNeeded();
    }
    const slot = this.enqueue();
    slot.state = Pending;
    try {
      if (subscribe(slot, result)) slot.state = Succeeded;
    } catch (e) {
      slot.error = e;
      slot.state = Failed;
      if (this.directive(slot) === 'stop') return this.failStage(e);
    }
    this.pushNextIfPossible();
  }

  protected settled(slot: AsyncSlot<I, O>): void {
    if (slot.state !== Pending) return;
    slot.state = slot.outcome;
    if (slot.state === Failed && this.directive(slot) === 'stop') this.failStage(slot.error);
    else if (this.isHead(slot)) this.pushNextIfPossible(); // behind a running head nothing can move yet
  }
}
