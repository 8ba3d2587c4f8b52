/**
 * Scaffolding for sinks that materialize a promise of their result (foreach, fold, seq, head, …):
 * the promise settles exactly once — resolved on success, rejected with the stream's original error on
 * failure, and rejected with `AbruptTerminationException` if the stage is stopped from outside
 * (e.g. `materializer.shutdown()`), so no caller is ever left waiting.
 */
import { ObservedPromise } from '../impl/ObservedPromise.js';
import type { Attributes, Decider } from '../stage/Attributes.js';
import { GraphStageWithMaterializedValue } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler } from '../stage/GraphStageLogic.js';
import { Inlet } from '../stage/Ports.js';
import { SinkShape } from '../stage/Shape.js';
import { abrupt } from './reactiveStreamsInternals.js';

export abstract class SinkStage<T, M> extends GraphStageWithMaterializedValue<SinkShape<T>, M> {
  readonly in: Inlet<T>;
  readonly shape: SinkShape<T>;
  constructor(private readonly factoryName: string) {
    super();
    this.in = new Inlet<T>(`${factoryName.charAt(0).toUpperCase()}${factoryName.slice(1)}Sink.in`);
    this.shape = new SinkShape(this.in);
  }
  override get defaultName(): string {
    return this.factoryName;
  }
}

export interface Deferred<R> {
  readonly promise: Promise<R>;
  resolve(value: R): void;
  reject(error: unknown): void;
  /** Whether the promise rejected and someone awaited or caught it (see `ObservedPromise`). */
  failureObserved(): boolean;
}

/**
 * A promise with its settle functions, for materialized values. Awaiting the promise rejects with the
 * stream's original error. A value the user discards (a sink behind `Keep.left`, the side sink of
 * `alsoTo`/`divertTo`, …) does not crash the process with an unhandled rejection when the stream fails:
 * the materializer logs a failure that reaches a sink when nobody observed it (see `ObservedPromise`).
 */
export function deferred<R>(): Deferred<R> {
  const { promise, resolve, reject } = ObservedPromise.create<R>();
  return { promise, resolve, reject, failureObserved: () => promise.failureObserved };
}

/** A sink logic that owns a result promise. Subclasses implement onPush and `result()`. */
export abstract class PromiseSinkLogic<T, R> extends GraphStageLogic implements InHandler {
  private settled = false;
  protected readonly decider: Decider;
  constructor(
    protected readonly stage: SinkStage<T, Promise<R>>,
    attributes: Attributes,
    private readonly result: Deferred<R>,
  ) {
    super(stage.shape);
    this.decider = attributes.supervisionDecider;
    this.setHandler(stage.in, this);
  }
  override preStart(): void {
    this.pull(this.stage.in);
  }
  abstract onPush(): void;
  /** The value to resolve with when upstream completes (may throw to reject instead). */
  protected abstract completedValue(): R;

  onUpstreamFinish(): void {
    let v: R;
    try {
      v = this.completedValue();
    } catch (e) {
      this.failWith(e);
      return;
    }
    this.succeed(v);
    this.completeStage();
  }
  onUpstreamFailure(error: unknown): void {
    this.failWith(error);
  }
  protected succeed(v: R): void {
    if (this.settled) return;
    this.settled = true;
    this.result.resolve(v);
  }
  protected failWith(error: unknown): void {
    if (!this.settled) {
      this.settled = true;
      this.result.reject(error);
    }
    this.failStage(error);
  }
  /** @internal The failure logger asks this (see `RunningStream`). */
  _failureObserved(): boolean {
    return this.result.failureObserved();
  }
  override postStop(): void {
    if (!this.settled) {
      this.settled = true;
      this.result.reject(abrupt(this.stageName));
    }
  }
}
