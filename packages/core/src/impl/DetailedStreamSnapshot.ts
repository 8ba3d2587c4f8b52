/**
 * The detailed snapshot behind `Materializer.detailedSnapshot()` and `onStreamFinished()`, for tools that
 * draw a stream (the `@tributary/inspect` page, metrics exporters). It is `StreamSnapshot` plus what a
 * drawing needs: a stable id per stage and the stage ids at both ends of every connection (stage names
 * are not unique), failures with the stage where they started, the halves of async boundaries with the
 * fill of their buffer, restarts of restart stages, and the stage that holds the stream up right now.
 *
 * Everything here is read on demand from state the interpreter keeps anyway; failures are recorded on
 * the failure path only. Nothing is added to the per-element path.
 */
import type { InterpreterLogic } from './GraphInterpreter.js';
import { type ConnectionSnapshot, findHoldUp, progressOf, type StageSnapshot, snapshotOf } from './StreamSnapshot.js';

/** Why a stage failed: the error's message and the stage where that error started. */
export interface StageFailure {
  /** `String(error)` for an `Error` (`TypeError: bad input`), else a readable rendering of the value. */
  readonly message: string;
  /** The first stage of the stream that failed with this error (itself, when it started here). */
  readonly origin: string;
}

/** One half of an async boundary; the two halves share one buffer. */
export interface BoundaryDetail {
  readonly side: 'upstream' | 'downstream';
  /** The stage id of the other half. */
  readonly peer: number;
  /** Elements in the shared buffer now. */
  readonly buffered: number;
  /** The buffer's size (the `inputBuffer` attribute at the boundary). */
  readonly capacity: number;
}

export interface DetailedStageSnapshot extends StageSnapshot {
  /** Unique within the stream and stable for as long as the stage lives. */
  readonly id: number;
  /** The stage belongs to a substream materialized by a running stage (recovery source, restart, flatMap…). */
  readonly substream: boolean;
  /** Set when the stage failed. */
  readonly failure?: StageFailure;
  /** Set for the two halves of an async boundary. */
  readonly boundary?: BoundaryDetail;
  /** Set for restart stages (`RestartSource`/`Flow`/`Sink`): inner streams restarted so far. */
  readonly restarts?: number;
}

export interface DetailedConnectionSnapshot extends ConnectionSnapshot {
  /** Stage id of the upstream end. */
  readonly fromStage: number;
  /** Stage id of the downstream end. */
  readonly toStage: number;
}

/** The stage where demand stops right now (what stall detection would name if the stream stalled). */
export interface HoldUp {
  readonly stage: number;
  readonly reason: 'demand without element' | 'element without demand';
}

export interface DetailedStreamSnapshot {
  readonly id: number;
  readonly islands: number;
  readonly stages: readonly DetailedStageSnapshot[];
  readonly connections: readonly DetailedConnectionSnapshot[];
  /** Elements delivered plus ports closed so far: unchanged between two snapshots means no progress. */
  readonly progress: number;
  /** Undefined when no stage holds the stream up (e.g. every stage runs, or all are finished). */
  readonly holdUp: HoldUp | undefined;
  /** All islands of the stream have stopped (snapshots given to `onStreamFinished` listeners). */
  readonly finished: boolean;
}

/** Implemented by the halves of async boundaries. */
export interface BufferedBoundaryLogic {
  _bufferFill(): { readonly buffered: number; readonly capacity: number };
}

/** Implemented by restart stages. */
export interface RestartingLogic {
  _restartsTotal(): number;
}

/** What a `RunningStream` knows beyond its logics. */
export interface DetailSources {
  readonly peers: ReadonlyMap<InterpreterLogic, InterpreterLogic>;
  readonly failures: WeakMap<InterpreterLogic, { readonly error: unknown; readonly origin: string }> | null;
  isNested(logic: InterpreterLogic): boolean;
  idOf(logic: InterpreterLogic): number;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return String(error);
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

export function detailedSnapshotOf(
  id: number,
  islands: number,
  logics: readonly InterpreterLogic[],
  sources: DetailSources,
  finished: boolean,
): DetailedStreamSnapshot {
  const base = snapshotOf(id, islands, logics);
  const stages: DetailedStageSnapshot[] = [];
  const connections: DetailedConnectionSnapshot[] = [];
  let c = 0;
  for (let i = 0; i < logics.length; i++) {
    const logic = logics[i]!;
    let stage: DetailedStageSnapshot = { ...base.stages[i]!, id: sources.idOf(logic), substream: sources.isNested(logic) };
    const failure = sources.failures?.get(logic);
    if (failure !== undefined) stage = { ...stage, failure: { message: describeError(failure.error), origin: failure.origin } };
    const peer = sources.peers.get(logic);
    if (peer !== undefined) {
      const fill =
        typeof (logic as Partial<BufferedBoundaryLogic>)._bufferFill === 'function'
          ? (logic as unknown as BufferedBoundaryLogic)._bufferFill()
          : { buffered: 0, capacity: 0 };
      stage = {
        ...stage,
        boundary: { side: logic._outlets.length === 0 ? 'upstream' : 'downstream', peer: sources.idOf(peer), buffered: fill.buffered, capacity: fill.capacity },
      };
    }
    if (typeof (logic as Partial<RestartingLogic>)._restartsTotal === 'function')
      stage = { ...stage, restarts: (logic as unknown as RestartingLogic)._restartsTotal() };
    stages.push(stage);
    for (const conn of logic._outConns) {
      if (conn === undefined) continue;
      connections.push({ ...base.connections[c++]!, fromStage: sources.idOf(logic), toStage: sources.idOf(conn.inOwner) });
    }
  }
  const hold = finished ? undefined : findHoldUp(logics, sources.peers);
  return {
    id,
    islands,
    stages,
    connections,
    progress: progressOf(logics),
    holdUp: hold === undefined ? undefined : { stage: sources.idOf(hold.stage), reason: hold.reason },
    finished,
  };
}
