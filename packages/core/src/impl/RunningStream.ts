/**
 * One materialization of a closed graph, across all its islands: what `Materializer.snapshot()`
 * reports as a stream, the unit of "log a failure nobody observed, once", and the unit stall detection
 * watches. Its islands use it as their `InterpreterHooks`.
 *
 * ## Failures nobody observed
 *
 * A failure is *handled* when some stage turns it into something else (recover, a restart, a probe
 * that records it, …). Otherwise it makes a sink fail: the stream ends with it, and the sink hands it
 * to whoever looks — its materialized promise rejects, a pending `next()` of `for await` or `pull()`
 * of `Sink.queue` rejects, a subscriber gets `onError`. Such a failure is logged, once per stream, only
 * if nobody looked: one event-loop turn (`setImmediate`) after the first sink failed — so that code
 * which awaits the promise right after `run()` has subscribed by then — the stream asks every sink
 * that failed meanwhile whether its failure was observed (`ObservedPromise`, `_failureObserved`). If
 * none was, the log names the stage where the error started — the first stage of the stream that
 * failed with that error object, wherever the failure travelled afterwards (across islands too) — and
 * the sink it reached. A sink that cannot tell (a custom sink whose materialized value is not a
 * promise) is taken as unobserved and reported at once, without waiting for the turn: the logger is
 * then called while the failure is still travelling, which stages may rely on to learn where the
 * failure started. This is the rule Node applies to rejected promises, so a failure is reported
 * once, by one of the two, and a failure the program catches is not reported at all. Sinks inside
 * sub-fused substreams and the halves of async boundaries do not count as "the end of the stream":
 * their parent stage or their other half carries the failure on.
 */

import { type DetailedStreamSnapshot, type DetailSources, detailedSnapshotOf } from './DetailedStreamSnapshot.js';
import { type GraphInterpreter, type InterpreterHooks, type InterpreterLogic, Running } from './GraphInterpreter.js';
import { ObservedPromise } from './ObservedPromise.js';
import { findHoldUp, progressOf, type StallReport, type StreamSnapshot, snapshotOf } from './StreamSnapshot.js';

/**
 * Receives a human-readable message and the error. For the one report of a failure nobody observed,
 * `details` says where it started and which sink it reached (other reports pass no details).
 */
export type FailureLogger = (message: string, error: unknown, details?: FailureDetails) => void;

/** Where a failure nobody observed started: the stage that first failed with the error, and the sink it reached. */
export interface FailureDetails {
  readonly streamId: number;
  readonly stage: string;
  readonly sink: string;
}

export interface StreamOwner {
  readonly logger: FailureLogger | null;
  _streamIslandFinished(stream: RunningStream, island: GraphInterpreter): void;
}

const MaxOrigins = 64;

export class RunningStream implements InterpreterHooks {
  readonly islands = new Set<GraphInterpreter>();
  /** The logics created by the top-level materialization, in order (kept after they stop, for snapshots). */
  private readonly logics: InterpreterLogic[] = [];
  /** Logics of sub-fused materializations (they leave `island.live` when they stop). */
  private readonly nested = new WeakSet<InterpreterLogic>();
  /** Each half of every async boundary of this stream, mapped to the other half. */
  readonly boundaryPeers = new Map<InterpreterLogic, InterpreterLogic>();
  /** Where each error seen failing a stage started (the first stage that failed with it). */
  private origins: Map<unknown, string> | null = null;
  /** Every stage that failed, with the error and where it started (recorded on the failure path only). */
  private failures: WeakMap<InterpreterLogic, { readonly error: unknown; readonly origin: string }> | null = null;
  /** Stage ids for detailed snapshots, handed out when a stage is first seen by one. */
  private stageIds: WeakMap<InterpreterLogic, number> | null = null;
  private nextStageId = 0;
  /** Whether each top-level sink's failure reached someone (see the file comment). */
  private readonly witnesses = new Map<InterpreterLogic, () => boolean>();
  /** The sinks that failed since the first one did, while the report waits for its event-loop turn. */
  private failedSinks: InterpreterLogic[] | null = null;
  private failureReported = false;

  // stall detection state (see MaterializerImpl)
  private lastProgress = -1;
  private lastProgressAt = 0;
  private stallReported = false;

  constructor(
    readonly id: number,
    private readonly owner: StreamOwner,
  ) {}

  registerLogic(logic: InterpreterLogic, nested: boolean): void {
    if (nested) this.nested.add(logic);
    else this.logics.push(logic);
  }

  /**
   * Called for each top-level sink with its materialized value; returns the value to hand out. A
   * promise the stage made itself is replaced by an `ObservedPromise` that follows it, so that awaiting
   * it counts as observing the sink's failure.
   */
  registerSink(logic: InterpreterLogic, value: unknown): unknown {
    if (logic._failureObserved !== undefined) {
      this.witnesses.set(logic, () => logic._failureObserved!());
      return value;
    }
    if (!(value instanceof Promise)) return value;
    const observed = value instanceof ObservedPromise ? value : ObservedPromise.following(value);
    this.witnesses.set(logic, () => observed.failureObserved);
    return observed;
  }

  registerBoundary(upstream: InterpreterLogic, downstream: InterpreterLogic): void {
    this.boundaryPeers.set(upstream, downstream);
    this.boundaryPeers.set(downstream, upstream);
  }

  // ───────────────────────────── hooks ─────────────────────────────

  onFinished(island: GraphInterpreter): void {
    this.islands.delete(island);
    this.owner._streamIslandFinished(this, island);
  }

  onStageFailed(logic: InterpreterLogic, error: unknown): void {
    if (logic._phase !== Running) return;
    const origins = (this.origins ??= new Map());
    if (!origins.has(error)) {
      // A long-running stream that keeps recovering must not accumulate errors.
      if (origins.size >= MaxOrigins) origins.clear();
      origins.set(error, logic.stageName);
    }
    (this.failures ??= new WeakMap()).set(logic, { error, origin: origins.get(error)! });
    if (this.failureReported) return;
    const isSink = logic._outlets.length === 0 && !this.boundaryPeers.has(logic) && !this.nested.has(logic);
    if (this.failedSinks !== null) {
      if (isSink) this.failedSinks.push(logic);
      return;
    }
    if (!isSink) return;
    // A sink failed: the failure reached the end of the stream.
    const origin = origins.get(error)!;
    if (this.owner.logger === null) {
      this.failureReported = true;
      return;
    }
    if (!this.witnesses.has(logic)) {
      // A sink that cannot tell whether anyone saw its failure (a custom sink that materializes no
      // promise): report it at once, while the failure is still travelling (stages may rely on that).
      this.failureReported = true;
      this.reportUnobserved(origin, logic.stageName, error);
      return;
    }
    const failedSinks = (this.failedSinks = [logic]);
    setImmediate(() => {
      this.failureReported = true;
      this.failedSinks = null;
      if (failedSinks.some((sink) => this.witnesses.get(sink)?.() === true)) return;
      this.reportUnobserved(origin, logic.stageName, error);
    });
  }

  private reportUnobserved(origin: string, sink: string, error: unknown): void {
    const where = origin === sink ? `in stage "${origin}"` : `in stage "${origin}" and reached sink "${sink}"`;
    this.owner.logger?.(`stream ${this.id} failed ${where}; nothing awaited or caught the failure`, error, { streamId: this.id, stage: origin, sink });
  }

  onPostStopError(logic: InterpreterLogic, error: unknown): void {
    this.owner.logger?.(`stream ${this.id}: postStop of stage "${logic.stageName}" threw`, error);
  }

  // ───────────────────────────── observing ─────────────────────────────

  /** Top-level logics, then the logics of substreams that are still running. */
  allLogics(): InterpreterLogic[] {
    const all = this.logics.slice();
    for (const island of this.islands) for (const l of island.live) if (this.nested.has(l)) all.push(l);
    return all;
  }

  snapshot(): StreamSnapshot {
    return snapshotOf(this.id, this.islands.size, this.allLogics());
  }

  /** `snapshot()` plus stage ids, edges by id, failures, boundary buffers, restarts and the current hold-up. */
  detailedSnapshot(): DetailedStreamSnapshot {
    const sources: DetailSources = {
      peers: this.boundaryPeers,
      failures: this.failures,
      isNested: (logic) => this.nested.has(logic),
      idOf: (logic) => {
        const ids = (this.stageIds ??= new WeakMap());
        let id = ids.get(logic);
        if (id === undefined) ids.set(logic, (id = this.nextStageId++));
        return id;
      },
    };
    return detailedSnapshotOf(this.id, this.islands.size, this.allLogics(), sources, this.islands.size === 0);
  }

  /** Called periodically when stall detection is on; returns a report when the stream newly stalled. */
  checkStall(now: number, afterMs: number): StallReport | undefined {
    const logics = this.allLogics();
    const progress = progressOf(logics);
    if (progress !== this.lastProgress) {
      this.lastProgress = progress;
      this.lastProgressAt = now;
      this.stallReported = false;
      return undefined;
    }
    const idleMs = now - this.lastProgressAt;
    if (this.stallReported || idleMs < afterMs) return undefined;
    this.stallReported = true;
    const holdUp = findHoldUp(logics, this.boundaryPeers);
    const stage = holdUp?.stage.stageName;
    const reason = holdUp?.reason ?? 'unknown';
    const why =
      holdUp === undefined
        ? 'no single stage could be blamed'
        : holdUp.reason === 'demand without element'
          ? `held up by stage "${stage}": it was asked for an element and has none to push`
          : `held up by stage "${stage}": it is not asking for elements, so everything upstream of it waits`;
    return {
      streamId: this.id,
      idleMs,
      stage,
      reason,
      message: `stream ${this.id} made no progress for ${idleMs} ms; ${why}`,
      snapshot: snapshotOf(this.id, this.islands.size, logics),
    };
  }
}
