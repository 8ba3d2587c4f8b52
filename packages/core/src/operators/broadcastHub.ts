/**
 * BroadcastHub: one producer stream (the hub sink) broadcasting to any number of consumer streams,
 * each of which runs the Source the hub materialized — possibly on another materializer.
 *
 * Elements go into a ring buffer of `bufferSize` slots shared with the consumers; each consumer reads
 * at its own offset. The hub pulls its upstream only while the slowest consumer is less than
 * `bufferSize` elements behind, so the slowest consumer back-pressures the producer. With no consumer
 * attached, elements are kept (up to `bufferSize`) for the first one to come; a consumer starts at the
 * oldest element still kept. When the last consumer leaves, the buffer is rolled forward to where it
 * stopped reading, so a later consumer does not see elements that were already consumed.
 *
 * Completion is remembered: consumers read what is left and then complete, including consumers that
 * attach later. A failure reaches every consumer at once (buffered elements are skipped) and is
 * remembered too.
 */
import { AbruptTerminationException } from '../impl/GraphInterpreter.js';
import { type Graph, GraphStage, GraphStageWithMaterializedValue, type NotUsed } from '../stage/GraphStage.js';
import { type AsyncCallback, GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { Inlet, Outlet } from '../stage/Ports.js';
import { SinkShape, SourceShape } from '../stage/Shape.js';
import { HubCompleted, type HubTerminal, requireBufferSize } from './hubInternals.js';

class BroadcastHubState<T> {
  readonly buf: (T | undefined)[];
  readonly mask: number;
  /** Sequence number of the oldest element kept. */
  head = 0;
  /** Sequence number the next element gets. */
  tail = 0;
  readonly consumers = new Set<ConsumerLogic<T>>();
  /** Consumers that read everything and wait for the next element. */
  readonly waiting = new Set<ConsumerLogic<T>>();
  terminal: HubTerminal | null = null;
  hubWake: AsyncCallback<undefined> | null = null;
  hubWakePending = false;
  /** The hub stopped pulling because the buffer is full. */
  hubBlocked = false;

  constructor(readonly capacity: number) {
    this.buf = new Array<T | undefined>(capacity);
    this.mask = capacity - 1;
  }

  /** Advances `head` to the slowest consumer (no consumer: keep everything), releasing passed slots. */
  advanceHead(): void {
    if (this.consumers.size === 0) return;
    let min = this.tail;
    for (const c of this.consumers) if (c.offset < min) min = c.offset;
    this.dropUntil(min);
  }

  dropUntil(seq: number): void {
    for (let s = this.head; s < seq; s++) this.buf[s & this.mask] = undefined;
    if (seq > this.head) this.head = seq;
  }

  get isFull(): boolean {
    return this.tail - this.head >= this.capacity;
  }

  /** Tells the hub (if it waits for space) that a consumer moved on or left. */
  wakeHub(): void {
    if (this.hubBlocked && !this.hubWakePending && this.hubWake !== null) {
      this.hubWakePending = true;
      this.hubWake.invoke(undefined);
    }
  }

  wakeConsumers(): void {
    if (this.waiting.size === 0) return;
    for (const c of this.waiting) c.onWake.invoke(undefined);
    this.waiting.clear();
  }
}

/** `BroadcastHub.sink(bufferSize)`: materializes the Source that consumers run. */
export class BroadcastHubSink<T> extends GraphStageWithMaterializedValue<SinkShape<T>, Graph<SourceShape<T>, NotUsed>> {
  readonly in = new Inlet<T>('BroadcastHub.in');
  readonly shape = new SinkShape(this.in);
  constructor(readonly bufferSize: number) {
    super();
    requireBufferSize('BroadcastHub.sink', 'bufferSize', bufferSize, 4096);
  }
  override get defaultName(): string {
    return 'broadcastHub';
  }
  createLogicAndMaterializedValue(): [GraphStageLogic, Graph<SourceShape<T>, NotUsed>] {
    const state = new BroadcastHubState<T>(this.bufferSize);
    return [new BroadcastHubLogic(this, state), new BroadcastHubSource(state)];
  }
}

class BroadcastHubLogic<T> extends GraphStageLogic implements InHandler {
  constructor(
    private readonly stage: BroadcastHubSink<T>,
    private readonly state: BroadcastHubState<T>,
  ) {
    super(stage.shape);
    this.setHandler(stage.in, this);
    state.hubWake = this.getAsyncCallback(() => {
      state.hubWakePending = false;
      this.pullIfSpace();
    });
  }
  override preStart(): void {
    this.pull(this.stage.in);
  }
  private pullIfSpace(): void {
    const s = this.state;
    const inlet = this.stage.in;
    if (this.isClosed(inlet) || this.hasBeenPulled(inlet)) return;
    if (s.isFull) s.advanceHead();
    if (s.isFull) {
      s.hubBlocked = true;
    } else {
      s.hubBlocked = false;
      this.pull(inlet);
    }
  }
  onPush(): void {
    const s = this.state;
    s.buf[s.tail & s.mask] = this.grab(this.stage.in);
    s.tail++;
    s.wakeConsumers();
    this.pullIfSpace();
  }
  onUpstreamFinish(): void {
    this.state.terminal = HubCompleted;
    this.state.wakeConsumers();
    this.completeStage();
  }
  onUpstreamFailure(error: unknown): void {
    this.state.terminal = { failed: true, error };
    for (const c of this.state.consumers) c.onWake.invoke(undefined);
    this.failStage(error);
  }
  override postStop(): void {
    const s = this.state;
    s.hubWake = null;
    if (s.terminal === null) {
      s.terminal = { failed: true, error: new AbruptTerminationException(`${this.stageName}: the hub was stopped before its upstream completed`) };
      for (const c of s.consumers) c.onWake.invoke(undefined);
    }
  }
}

/** The consumer side: a Source that may be materialized any number of times. */
class BroadcastHubSource<T> extends GraphStage<SourceShape<T>> {
  readonly out = new Outlet<T>('BroadcastHub.out');
  readonly shape = new SourceShape(this.out);
  constructor(private readonly state: BroadcastHubState<T>) {
    super();
  }
  override get defaultName(): string {
    return 'broadcastHub.source';
  }
  createLogic(): GraphStageLogic {
    return new ConsumerLogic(this.out, this.shape, this.state);
  }
}

class ConsumerLogic<T> extends GraphStageLogic implements OutHandler {
  offset = 0;
  readonly onWake: AsyncCallback<undefined>;
  constructor(
    private readonly out: Outlet<T>,
    shape: SourceShape<T>,
    private readonly state: BroadcastHubState<T>,
  ) {
    super(shape);
    this.setHandler(out, this);
    this.onWake = this.getAsyncCallback(() => {
      const t = this.state.terminal;
      if (t !== null && t.failed) return this.failStage(t.error);
      if (this.isAvailable(this.out)) this.onPull();
    });
  }
  override preStart(): void {
    const s = this.state;
    const t = s.terminal;
    if (t !== null && t.failed) return this.failStage(t.error);
    s.advanceHead();
    this.offset = s.head;
    s.consumers.add(this);
  }
  onPull(): void {
    const s = this.state;
    if (this.offset < s.tail) {
      const x = s.buf[this.offset & s.mask] as T;
      this.offset++;
      this.push(this.out, x);
      s.wakeHub();
      return;
    }
    const t = s.terminal;
    if (t === null) s.waiting.add(this);
    else if (t.failed) this.failStage(t.error);
    else this.completeStage();
  }
  override postStop(): void {
    const s = this.state;
    s.consumers.delete(this);
    s.waiting.delete(this);
    // The last consumer leaving rolls the buffer forward to where it stopped reading.
    if (s.consumers.size === 0) s.dropUntil(this.offset);
    s.wakeHub();
  }
}
