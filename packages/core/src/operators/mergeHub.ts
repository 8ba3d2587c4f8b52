/**
 * MergeHub: one consumer stream (the hub source) fed by any number of producer streams, each of which
 * runs the Sink that the hub materialized — possibly on another materializer.
 *
 * Back-pressure across streams: each producer holds a credit of `perProducerBufferSize` elements. It
 * pulls its upstream only while it has credit; every element it hands to the hub costs one. The hub
 * queues the elements in arrival order and emits them as its downstream pulls; after it emitted half a
 * buffer's worth of a producer's elements it returns that much credit to the producer. So the hub's
 * queue never holds more than `perProducerBufferSize` elements per producer, and a slow consumer slows
 * every producer down.
 *
 * Producers and hub share a small state object and wake each other through async callbacks (which run
 * inside the woken stage's island).
 */
import { type Graph, GraphStage, GraphStageWithMaterializedValue, type NotUsed } from '../stage/GraphStage.js';
import { type AsyncCallback, GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { Inlet, Outlet } from '../stage/Ports.js';
import { SinkShape, SourceShape } from '../stage/Shape.js';
import { Ring, requireBufferSize } from './hubInternals.js';

class MergeHubState<T> {
  readonly elems = new Ring<T>();
  readonly from = new Ring<ProducerLogic<T>>();
  readonly producers = new Set<ProducerLogic<T>>();
  hubWake: AsyncCallback<undefined> | null = null;
  hubWakePending = false;
  /** The hub source stopped: producers are cancelled, new ones cancel at once. */
  closed = false;
  /** `drainAndComplete()` was called: new producers cancel at once; the hub completes when the attached ones are done. */
  draining = false;
  constructor(readonly perProducerBufferSize: number) {}

  enqueue(x: T, producer: ProducerLogic<T>): void {
    this.elems.push(x);
    this.from.push(producer);
    this.wakeHub();
  }

  /** Lets the hub look at the state again (runs in the hub's island; one wake-up pending at a time). */
  wakeHub(): void {
    if (!this.hubWakePending && this.hubWake !== null) {
      this.hubWakePending = true;
      this.hubWake.invoke(undefined);
    }
  }
}

/**
 * Materialized by `MergeHub.sourceWithDraining` (Pekko's): `drainAndComplete()` stops accepting producers
 * (a producer that starts from then on is cancelled at once) and completes the hub source once every
 * producer attached before has completed and their elements were emitted. Calling it again does nothing.
 */
export interface DrainingControl {
  drainAndComplete(): void;
}

class MergeHubDrainingControl implements DrainingControl {
  constructor(private readonly state: MergeHubState<unknown>) {}
  drainAndComplete(): void {
    if (this.state.draining) return;
    this.state.draining = true;
    this.state.wakeHub();
  }
}

/** `MergeHub.source(perProducerBufferSize)`: materializes the Sink that producers run. */
export class MergeHubSource<T> extends GraphStageWithMaterializedValue<SourceShape<T>, Graph<SinkShape<T>, NotUsed>> {
  readonly out = new Outlet<T>('MergeHub.out');
  readonly shape = new SourceShape(this.out);
  constructor(readonly perProducerBufferSize: number) {
    super();
    requireBufferSize('MergeHub.source', 'perProducerBufferSize', perProducerBufferSize);
  }
  override get defaultName(): string {
    return 'mergeHub';
  }
  createLogicAndMaterializedValue(): [GraphStageLogic, Graph<SinkShape<T>, NotUsed>] {
    const state = new MergeHubState<T>(this.perProducerBufferSize);
    return [new MergeHubLogic(this, state), new MergeHubSink(state)];
  }
}

/** `MergeHub.sourceWithDraining(perProducerBufferSize)`: the hub, and a `DrainingControl` over it. */
export class DrainingMergeHubSource<T> extends GraphStageWithMaterializedValue<SourceShape<T>, [Graph<SinkShape<T>, NotUsed>, DrainingControl]> {
  readonly out = new Outlet<T>('MergeHub.out');
  readonly shape = new SourceShape(this.out);
  constructor(readonly perProducerBufferSize: number) {
    super();
    requireBufferSize('MergeHub.sourceWithDraining', 'perProducerBufferSize', perProducerBufferSize);
  }
  override get defaultName(): string {
    return 'mergeHub';
  }
  createLogicAndMaterializedValue(): [GraphStageLogic, [Graph<SinkShape<T>, NotUsed>, DrainingControl]] {
    const state = new MergeHubState<T>(this.perProducerBufferSize);
    return [new MergeHubLogic(this, state), [new MergeHubSink(state), new MergeHubDrainingControl(state as MergeHubState<unknown>)]];
  }
}

class MergeHubLogic<T> extends GraphStageLogic implements OutHandler {
  /** Credit is returned to a producer in batches of half its buffer (rounded up). */
  private readonly threshold: number;
  constructor(
    private readonly stage: { readonly out: Outlet<T>; readonly shape: SourceShape<T> },
    private readonly state: MergeHubState<T>,
  ) {
    super(stage.shape);
    this.threshold = Math.ceil(state.perProducerBufferSize / 2);
    this.setHandler(stage.out, this);
    state.hubWake = this.getAsyncCallback(() => {
      state.hubWakePending = false;
      if (this.isAvailable(stage.out)) this.onPull();
      else this.completeIfDrained();
    });
  }
  override preStart(): void {
    // drainAndComplete() may have been called before the hub started.
    this.completeIfDrained();
  }
  onPull(): void {
    const s = this.state;
    if (s.elems.size === 0) return this.completeIfDrained();
    const x = s.elems.shift();
    const producer = s.from.shift();
    this.push(this.stage.out, x);
    if (++producer.consumed >= this.threshold) {
      const n = producer.consumed;
      producer.consumed = 0;
      producer.onCredit.invoke(n);
    }
    this.completeIfDrained();
  }
  private completeIfDrained(): void {
    const s = this.state;
    if (s.draining && s.producers.size === 0 && s.elems.size === 0) this.completeStage();
  }
  override postStop(): void {
    const s = this.state;
    s.closed = true;
    s.hubWake = null;
    s.elems.clear();
    s.from.clear();
    for (const p of s.producers) p.onHubClosed.invoke(undefined);
    s.producers.clear();
  }
}

/** The producer side: a Sink that may be materialized any number of times. */
class MergeHubSink<T> extends GraphStage<SinkShape<T>> {
  readonly in = new Inlet<T>('MergeHub.in');
  readonly shape = new SinkShape(this.in);
  constructor(private readonly state: MergeHubState<T>) {
    super();
  }
  override get defaultName(): string {
    return 'mergeHub.sink';
  }
  createLogic(): GraphStageLogic {
    return new ProducerLogic(this.in, this.shape, this.state);
  }
}

class ProducerLogic<T> extends GraphStageLogic implements InHandler {
  private credit: number;
  /** Elements of this producer the hub emitted and has not returned credit for (hub-side counter). */
  consumed = 0;
  readonly onCredit: AsyncCallback<number>;
  readonly onHubClosed: AsyncCallback<undefined>;
  constructor(
    private readonly inlet: Inlet<T>,
    shape: SinkShape<T>,
    private readonly state: MergeHubState<T>,
  ) {
    super(shape);
    this.credit = state.perProducerBufferSize;
    this.setHandler(inlet, this);
    this.onCredit = this.getAsyncCallback((n) => {
      this.credit += n;
      this.pullIfCredit();
    });
    this.onHubClosed = this.getAsyncCallback(() => this.completeStage());
  }
  override preStart(): void {
    if (this.state.closed || this.state.draining) return this.completeStage();
    this.state.producers.add(this);
    this.pullIfCredit();
  }
  private pullIfCredit(): void {
    if (this.credit > 0 && !this.isClosed(this.inlet) && !this.hasBeenPulled(this.inlet)) this.pull(this.inlet);
  }
  onPush(): void {
    const x = this.grab(this.inlet);
    if (this.state.closed) return this.completeStage();
    this.credit--;
    this.state.enqueue(x, this);
    this.pullIfCredit();
  }
  onUpstreamFinish(): void {
    this.completeStage();
  }
  onUpstreamFailure(error: unknown): void {
    // The failing producer is removed; the hub and the other producers go on. This producer's own
    // stream ends with the failure (and is logged there if nobody observes it).
    this.failStage(error);
  }
  override postStop(): void {
    const s = this.state;
    // A draining hub completes when its last producer is gone.
    if (s.producers.delete(this) && s.draining) s.wakeHub();
  }
}
