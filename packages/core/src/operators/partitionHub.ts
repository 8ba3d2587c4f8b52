/**
 * PartitionHub: one producer stream (the hub sink) routing each element to exactly one of any number
 * of consumer streams, each of which runs the Source the hub materialized.
 *
 * The hub waits until `startAfterNrOfConsumers` consumers are attached before it pulls anything. Then
 * the partitioner picks a consumer for each element and the element goes to that consumer's queue. The
 * queues together hold at most `bufferSize` elements; while they are full the hub does not pull, so one
 * slow consumer whose queue fills up back-pressures the producer. When all consumers have left, new
 * elements are kept (counted in the same budget) for the next consumer to attach.
 *
 * A consumer that cancels is removed and the elements queued for it are discarded (as in Akka). When
 * upstream completes, each consumer completes after emitting its queue; a failure reaches every
 * consumer at once. Both are remembered for consumers that attach later.
 */
import { AbruptTerminationException } from '../impl/GraphInterpreter.js';
import type { Attributes, Decider } from '../stage/Attributes.js';
import { type Graph, GraphStage, GraphStageWithMaterializedValue, type NotUsed } from '../stage/GraphStage.js';
import { type AsyncCallback, GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { Inlet, Outlet } from '../stage/Ports.js';
import { SinkShape, SourceShape } from '../stage/Shape.js';
import { decide } from './FlowStage.js';
import { HubCompleted, type HubTerminal, Ring, requireBufferSize } from './hubInternals.js';
import { describe, requireFunction, requireNonNegativeInt } from './validate.js';

/** What a stateful partitioner sees of the consumers (Akka's `PartitionHub.ConsumerInfo`). */
export interface ConsumerInfo {
  /** Identifiers of the attached consumers, in ascending order (never empty when the partitioner is called). */
  readonly consumerIds: readonly number[];
  /** Number of attached consumers. */
  readonly size: number;
  /** Elements queued for a consumer (a slow consumer has a longer queue). */
  queueSize(consumerId: number): number;
}

class PartitionHubState<T> implements ConsumerInfo {
  readonly consumers = new Map<number, ConsumerLogic<T>>();
  private ids: number[] = [];
  nextId = 0;
  queued = 0;
  /** Elements that arrived while no consumer was attached. */
  readonly pending = new Ring<T>();
  terminal: HubTerminal | null = null;
  hubWake: AsyncCallback<undefined> | null = null;
  hubWakePending = false;
  constructor(readonly bufferSize: number) {}

  get consumerIds(): readonly number[] {
    return this.ids;
  }
  get size(): number {
    return this.ids.length;
  }
  queueSize(consumerId: number): number {
    const c = this.consumers.get(consumerId);
    if (c === undefined) throw new RangeError(`PartitionHub: no consumer with id ${consumerId}`);
    return c.queue.size;
  }
  get isFull(): boolean {
    return this.queued + this.pending.size >= this.bufferSize;
  }
  add(c: ConsumerLogic<T>): void {
    this.consumers.set(c.id, c);
    this.ids = [...this.ids, c.id];
  }
  remove(c: ConsumerLogic<T>): void {
    if (!this.consumers.delete(c.id)) return;
    this.ids = this.ids.filter((id) => id !== c.id);
    this.queued -= c.queue.size;
    c.queue.clear();
  }
  wakeHub(): void {
    if (!this.hubWakePending && this.hubWake !== null) {
      this.hubWakePending = true;
      this.hubWake.invoke(undefined);
    }
  }
}

export type StatefulPartitioner<T> = (info: ConsumerInfo, element: T) => number;

/**
 * `PartitionHub.statefulSink(createPartitioner, startAfterNrOfConsumers, bufferSize)` (and `sink`, with
 * a stateless partitioner over consumer indices): materializes the Source that consumers run.
 */
export class PartitionHubSink<T> extends GraphStageWithMaterializedValue<SinkShape<T>, Graph<SourceShape<T>, NotUsed>> {
  readonly in = new Inlet<T>('PartitionHub.in');
  readonly shape = new SinkShape(this.in);
  constructor(
    readonly createPartitioner: () => StatefulPartitioner<T>,
    readonly startAfterNrOfConsumers: number,
    readonly bufferSize: number,
    readonly op: string,
  ) {
    super();
    requireFunction(op, 'partitioner', createPartitioner);
    requireNonNegativeInt(op, 'startAfterNrOfConsumers', startAfterNrOfConsumers);
    requireBufferSize(op, 'bufferSize', bufferSize);
  }
  override get defaultName(): string {
    return 'partitionHub';
  }
  createLogicAndMaterializedValue(attributes: Attributes): [GraphStageLogic, Graph<SourceShape<T>, NotUsed>] {
    const state = new PartitionHubState<T>(this.bufferSize);
    return [new PartitionHubLogic(this, state, attributes.supervisionDecider), new PartitionHubSource(state)];
  }
}

class PartitionHubLogic<T> extends GraphStageLogic implements InHandler {
  private partitioner!: StatefulPartitioner<T>;
  private initialized: boolean;
  constructor(
    private readonly stage: PartitionHubSink<T>,
    private readonly state: PartitionHubState<T>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.initialized = stage.startAfterNrOfConsumers === 0;
    this.setHandler(stage.in, this);
    state.hubWake = this.getAsyncCallback(() => {
      state.hubWakePending = false;
      this.onConsumersChanged();
    });
  }
  override preStart(): void {
    this.partitioner = this.stage.createPartitioner();
    requireFunction(this.stage.op, 'the function created by partitioner', this.partitioner);
    this.pullIfReady();
  }
  private onConsumersChanged(): void {
    const s = this.state;
    if (!this.initialized && s.size >= this.stage.startAfterNrOfConsumers) this.initialized = true;
    if (this.initialized) {
      while (s.pending.size > 0 && s.size > 0) this.route(s.pending.shift());
    }
    if (this.isClosed(this.stage.in)) this.finishIfDone();
    else this.pullIfReady();
  }
  private pullIfReady(): void {
    const inlet = this.stage.in;
    if (this.initialized && !this.isClosed(inlet) && !this.hasBeenPulled(inlet) && !this.state.isFull) this.pull(inlet);
  }
  onPush(): void {
    const x = this.grab(this.stage.in);
    const s = this.state;
    if (!this.initialized || s.size === 0) s.pending.push(x);
    else this.route(x);
    this.pullIfReady();
  }
  private route(x: T): void {
    const s = this.state;
    let id: number;
    try {
      id = this.partitioner(s, x);
    } catch (e) {
      const d = decide(this.decider, e);
      if (d === 'stop') throw e;
      if (d === 'restart') this.partitioner = this.stage.createPartitioner();
      return; // resume/restart: the element is dropped
    }
    const c = s.consumers.get(id);
    if (c === undefined) {
      throw new RangeError(
        `${this.stageName}: the partitioner returned ${describe(id)}, which is not one of the attached consumers [${s.consumerIds.join(', ')}]`,
      );
    }
    c.queue.push(x);
    s.queued++;
    c.wake();
  }
  onUpstreamFinish(): void {
    this.state.terminal = HubCompleted;
    for (const c of this.state.consumers.values()) c.wake();
    // Elements kept for consumers that have not attached yet keep the hub alive until one attaches.
    this.setKeepGoing(true);
    this.finishIfDone();
  }
  private finishIfDone(): void {
    if (this.state.pending.size > 0) return;
    for (const c of this.state.consumers.values()) c.wake(); // waiting consumers can now complete
    this.completeStage();
  }
  onUpstreamFailure(error: unknown): void {
    this.failConsumers(error);
    this.failStage(error);
  }
  private failConsumers(error: unknown): void {
    const s = this.state;
    if (s.terminal !== null && s.terminal.failed) return;
    s.terminal = { failed: true, error };
    s.pending.clear();
    for (const c of s.consumers.values()) c.onWake.invoke(undefined);
  }
  override failStage(error: unknown): void {
    this.failConsumers(error);
    super.failStage(error);
  }
  override postStop(): void {
    this.state.hubWake = null;
    if (this.state.terminal === null || this.state.pending.size > 0) {
      this.failConsumers(new AbruptTerminationException(`${this.stageName}: the hub was stopped before its upstream completed`));
    }
  }
}

/** The consumer side: a Source that may be materialized any number of times. */
class PartitionHubSource<T> extends GraphStage<SourceShape<T>> {
  readonly out = new Outlet<T>('PartitionHub.out');
  readonly shape = new SourceShape(this.out);
  constructor(private readonly state: PartitionHubState<T>) {
    super();
  }
  override get defaultName(): string {
    return 'partitionHub.source';
  }
  createLogic(): GraphStageLogic {
    return new ConsumerLogic(this.out, this.shape, this.state);
  }
}

class ConsumerLogic<T> extends GraphStageLogic implements OutHandler {
  readonly id: number;
  readonly queue = new Ring<T>();
  private waiting = false;
  readonly onWake: AsyncCallback<undefined>;
  constructor(
    private readonly out: Outlet<T>,
    shape: SourceShape<T>,
    private readonly state: PartitionHubState<T>,
  ) {
    super(shape);
    this.id = state.nextId++;
    this.setHandler(out, this);
    this.onWake = this.getAsyncCallback(() => {
      this.waiting = false;
      const t = this.state.terminal;
      if (t !== null && t.failed) return this.failStage(t.error);
      if (this.isAvailable(this.out)) this.onPull();
    });
  }
  /** Called by the hub when an element was queued or the hub ended. */
  wake(): void {
    if (!this.waiting) return;
    this.waiting = false;
    this.onWake.invoke(undefined);
  }
  override preStart(): void {
    const s = this.state;
    const t = s.terminal;
    if (t !== null && t.failed) return this.failStage(t.error);
    if (t !== null && s.pending.size === 0) return this.completeStage();
    s.add(this);
    s.wakeHub();
  }
  onPull(): void {
    const s = this.state;
    if (this.queue.size > 0) {
      const x = this.queue.shift();
      s.queued--;
      this.push(this.out, x);
      s.wakeHub();
      return;
    }
    const t = s.terminal;
    if (t !== null && t.failed) return this.failStage(t.error);
    if (t !== null && s.pending.size === 0) return this.completeStage();
    this.waiting = true;
  }
  override postStop(): void {
    this.state.remove(this);
    this.state.wakeHub();
  }
}

/** `PartitionHub.sink`: a stateless partitioner over consumer indices, as a stateful one over ids. */
export function indexPartitioner<T>(op: string, partitioner: (size: number, element: T) => number): () => StatefulPartitioner<T> {
  requireFunction(op, 'partitioner', partitioner);
  return () => (info, element) => {
    const i = partitioner(info.size, element);
    const id = Number.isInteger(i) && i >= 0 && i < info.size ? info.consumerIds[i] : undefined;
    if (id === undefined)
      throw new RangeError(
        `${op}: the partitioner returned ${describe(i)}; it must be an index from 0 to ${info.size - 1} (the number of consumers minus one)`,
      );
    return id;
  };
}
