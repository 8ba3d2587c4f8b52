import { AbruptTerminationException, NonFailureCancellation } from '../impl/GraphInterpreter.js';
import { GraphStageWithMaterializedValue } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { Inlet, Outlet } from '../stage/Ports.js';
import { FlowShape } from '../stage/Shape.js';

/** What a `FlowMonitor` reports (Akka's `FlowMonitorState`). */
export type FlowMonitorState<T> =
  | { readonly kind: 'initialized' }
  | { readonly kind: 'received'; readonly element: T }
  | { readonly kind: 'failed'; readonly cause: unknown }
  | { readonly kind: 'finished' };

/** The materialized value of `monitor()`: the current state of the stream at that point. */
export interface FlowMonitor<T> {
  /** `initialized` before the first element, `received` with the latest element, then `finished` or `failed`. */
  readonly state: FlowMonitorState<T>;
}

const Initialized = 0;
const Received = 1;
const Failed = 2;
const Finished = 3;

const InitializedState = { kind: 'initialized' } as const;
const FinishedState = { kind: 'finished' } as const;

/**
 * The monitor keeps the latest element in a field and builds the state object only when someone reads
 * it, so watching a hot stream costs two stores per element and no allocation.
 */
class FlowMonitorImpl<T> implements FlowMonitor<T> {
  /** @internal */ _kind = Initialized;
  /** @internal */ _value: unknown = undefined;
  get state(): FlowMonitorState<T> {
    switch (this._kind) {
      case Initialized:
        return InitializedState;
      case Received:
        return { kind: 'received', element: this._value as T };
      case Failed:
        return { kind: 'failed', cause: this._value };
      default:
        return FinishedState;
    }
  }
  toString(): string {
    return `FlowMonitor(${this.state.kind})`;
  }
}

/**
 * `monitor()`: passes everything through and materializes a `FlowMonitor` whose `state` tells what
 * last happened at this point of the stream.
 */
export class Monitor<T> extends GraphStageWithMaterializedValue<FlowShape<T, T>, FlowMonitor<T>> {
  readonly in = new Inlet<T>('Monitor.in');
  readonly out = new Outlet<T>('Monitor.out');
  readonly shape = new FlowShape(this.in, this.out);
  override get defaultName(): string {
    return 'monitor';
  }
  createLogicAndMaterializedValue(): [GraphStageLogic, FlowMonitor<T>] {
    const m = new FlowMonitorImpl<T>();
    return [new MonitorLogic(this, m), m];
  }
}

class MonitorLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  constructor(
    private readonly stage: Monitor<T>,
    private readonly monitor: FlowMonitorImpl<T>,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  onPush(): void {
    const x = this.grab(this.stage.in);
    this.push(this.stage.out, x);
    const m = this.monitor;
    if (m._kind === Initialized || m._kind === Received) {
      m._kind = Received;
      m._value = x;
    }
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
  onUpstreamFinish(): void {
    this.set(Finished, undefined);
    this.completeStage();
  }
  onUpstreamFailure(error: unknown): void {
    this.set(Failed, error);
    this.failStage(error);
  }
  onDownstreamFinish(cause: unknown): void {
    if (cause instanceof NonFailureCancellation) this.set(Finished, undefined);
    else this.set(Failed, cause);
    this.cancelStage(cause);
  }
  private set(kind: number, value: unknown): void {
    const m = this.monitor;
    if (m._kind === Failed || m._kind === Finished) return;
    m._kind = kind;
    m._value = value;
  }
  override postStop(): void {
    this.set(Failed, new AbruptTerminationException(`${this.stageName}: the stream was stopped before it terminated`));
  }
}
