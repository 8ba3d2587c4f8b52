import type { Attributes, Decider } from '../stage/Attributes.js';
import { type AsyncCallback, GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide, FlowStage } from './FlowStage.js';
import { AsyncSlot, Failed, Pending, subscribe } from './mapAsyncInternals.js';
import { requireFunction, requirePositiveInt } from './validate.js';

/**
 * `mapAsyncUnordered(parallelism, f)`: calls `f` for up to `parallelism` elements at a time and emits each
 * result as soon as it is there (and wanted), whatever the order of the elements. A rejection (or a
 * synchronous throw) fails the stream unless supervision says otherwise; `resume`/`restart` drop the element.
 */
export class MapAsyncUnordered<I, O> extends FlowStage<I, O> {
  constructor(
    readonly parallelism: number,
    readonly f: (x: I) => O | PromiseLike<O>,
  ) {
    super('mapAsyncUnordered');
    requirePositiveInt('mapAsyncUnordered', 'parallelism', parallelism);
    requireFunction('mapAsyncUnordered', 'f', f);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new MapAsyncUnorderedLogic(this, attributes.supervisionDecider);
  }
}

/**
 * `inFlight` calls are running; `results` holds finished results downstream has not asked for yet. Their
 * sum never exceeds `parallelism`, which bounds both the calls and the memory. Slots go back to a free
 * list as soon as their result is taken.
 */
class MapAsyncUnorderedLogic<I, O> extends GraphStageLogic implements InHandler, OutHandler {
  private inFlight = 0;
  private readonly free: AsyncSlot<I, O>[] = [];
  // Ring of finished results.
  private results: (O | undefined)[] = new Array<O | undefined>(8);
  private rHead = 0;
  private rCount = 0;
  /** Our pull on `in` is on its way (cleared in `onPush`): `hasBeenPulled` without the port lookup. */
  private pulled = false;
  /** Upstream completed (`onUpstreamFinish` ran). */
  private upstreamDone = false;
  private readonly onSettled: AsyncCallback<AsyncSlot<I, O>>;

  constructor(
    private readonly stage: MapAsyncUnordered<I, O>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
    this.onSettled = this.getAsyncCallback((slot) => {
      if (slot.state !== Pending) return;
      this.inFlight--;
      const failed = slot.outcome === Failed;
      const value = slot.value as O;
      const error = slot.error;
      slot.reset();
      this.free.push(slot);
      if (failed) this.failed(error);
      else this.succeeded(value);
    });
  }

  onPush(): void {
    const s = this.stage;
    this.pulled = false;
    const x = this.grab(s.in);
    let result: O | PromiseLike<O>;
    try {
      result = s.f(x);
    } catch (e) {
      return this.failed(e);
    }
    const slot = this.free.pop() ?? new AsyncSlot<I, O>(this.onSettled);
    let sync: boolean;
    try {
      sync = subscribe(slot, result);
    } catch (e) {
      slot.reset();
      this.free.push(slot);
      return this.failed(e);
    }
    if (sync) {
      const v = slot.value as O;
      slot.reset();
      this.free.push(slot);
      this.succeeded(v);
    } else {
      slot.state = Pending;
      this.inFlight++;
      this.pullIfNeeded();
    }
  }

  onPull(): void {
    if (this.rCount > 0) this.push(this.stage.out, this.dequeueResult());
    this.pullIfNeeded();
  }

  onUpstreamFinish(): void {
    this.upstreamDone = true;
    if (this.inFlight + this.rCount === 0) this.completeStage();
  }

  private succeeded(v: O): void {
    const out = this.stage.out;
    if (this.isAvailable(out)) this.push(out, v);
    else this.enqueueResult(v);
    this.pullIfNeeded();
  }

  private failed(e: unknown): void {
    if (decide(this.decider, e) === 'stop') this.failStage(e);
    else this.pullIfNeeded();
  }

  private pullIfNeeded(): void {
    const todo = this.inFlight + this.rCount;
    if (this.upstreamDone) {
      if (todo === 0) this.completeStage();
    } else if (!this.pulled && todo < this.stage.parallelism) {
      this.pulled = true;
      this.pull(this.stage.in);
    }
  }

  private enqueueResult(v: O): void {
    let r = this.results;
    if (this.rCount === r.length) {
      const next = new Array<O | undefined>(r.length * 2);
      for (let k = 0; k < this.rCount; k++) next[k] = r[(this.rHead + k) & (r.length - 1)];
      this.results = r = next;
      this.rHead = 0;
    }
    r[(this.rHead + this.rCount) & (r.length - 1)] = v;
    this.rCount++;
  }

  private dequeueResult(): O {
    const r = this.results;
    const v = r[this.rHead] as O;
    r[this.rHead] = undefined;
    this.rHead = (this.rHead + 1) & (r.length - 1);
    this.rCount--;
    return v;
  }
}
