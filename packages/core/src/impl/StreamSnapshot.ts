/**
 * # Seeing into running streams
 *
 * `Materializer.snapshot()` and stall detection read the interpreter's own bookkeeping — nothing is
 * recorded for them on the hot path except one counter per connection (`Connection.pushes`). A stage's
 * state is derived from the state bits of its connections at the moment of the snapshot:
 *
 * - **waiting for element**: downstream has pulled one of its outlets and it has not pushed yet (a sink:
 *   it has pulled its inlet). Whatever it waits for — upstream, a promise, a timer — holds the demand.
 * - **waiting for demand**: none of its outlets is pulled (a sink: it is not pulling). It is
 *   back-pressured, or idle.
 * - **completed**: all its ports are closed (or it has stopped).
 * - **running**: a stage without ports that works on its own — a fused source-to-sink loop. Its
 *   elements do not cross connections, so its counts stay 0; it shows progress through its island's
 *   event count.
 *
 * Elements in/out are the sums of the delivery counters of its inlets/outlets.
 *
 * ## Which stage holds a stalled stream up
 *
 * When a stream made no progress for a while, demand is stuck somewhere. Two shapes of stall:
 *
 * 1. *Demand and nothing to push*: a stage whose outlet is pulled but which does not pull any of its own
 *    inlets (a source, or a stage waiting for a promise, a timer, a substream). Demand stops there.
 * 2. *An element and no demand*: nobody waits for elements, and the most downstream stage that does not
 *    pull (typically a sink that is not requesting, or a stage whose downstream never pulls) holds up
 *    everything upstream of it.
 *
 * The halves of an async boundary are transparent: demand and back-pressure are followed across them.
 */
import { type Connection, Finished, InClosed, type InterpreterLogic, OutClosed, OutReady, Pulling, Pushing, Running } from './GraphInterpreter.js';

export type StageState = 'waiting for demand' | 'waiting for element' | 'completed' | 'running';

export interface StageSnapshot {
  /** The stage's `named()` name, or its operator name. */
  readonly name: string;
  readonly state: StageState;
  /** Elements delivered to the stage's inlets so far. */
  readonly elementsIn: number;
  /** Elements the stage pushed that were delivered downstream so far. */
  readonly elementsOut: number;
}

export type ConnectionState = 'idle' | 'pulled' | 'element in flight' | 'closed';

export interface ConnectionSnapshot {
  /** `stage.port` of the upstream end. */
  readonly from: string;
  /** `stage.port` of the downstream end. */
  readonly to: string;
  readonly state: ConnectionState;
  /** Elements delivered over this connection so far. */
  readonly elements: number;
}

export interface StreamSnapshot {
  /** Identifies the stream within its materializer (1, 2, … in materialization order). */
  readonly id: number;
  /** Islands of the stream still running (one per async region). */
  readonly islands: number;
  /** Every stage of the stream, in materialization order; stages of running substreams follow. */
  readonly stages: readonly StageSnapshot[];
  readonly connections: readonly ConnectionSnapshot[];
}

export interface StallReport {
  readonly streamId: number;
  /** How long the stream has made no progress (at least the configured threshold). */
  readonly idleMs: number;
  /** The stage holding the stream up, or undefined if none could be singled out. */
  readonly stage: string | undefined;
  readonly reason: 'demand without element' | 'element without demand' | 'unknown';
  /** A readable one-line description (what the default handler logs). */
  readonly message: string;
  readonly snapshot: StreamSnapshot;
}

const Closed = InClosed | OutClosed;

/** Downstream pulled and the element has not been pushed yet. */
export function demandPending(c: Connection): boolean {
  return (c.state & Closed) === 0 && (c.state & (Pulling | OutReady)) !== 0;
}

function connectionState(c: Connection): ConnectionState {
  const s = c.state;
  if ((s & Closed) !== 0 && (s & Pushing) === 0) return 'closed';
  if ((s & Pushing) !== 0) return 'element in flight';
  if ((s & (Pulling | OutReady)) !== 0) return 'pulled';
  return 'idle';
}

function sum(conns: readonly (Connection | undefined)[]): number {
  let n = 0;
  for (const c of conns) if (c !== undefined) n += c.pushes;
  return n;
}

export function stageState(logic: InterpreterLogic): StageState {
  if (logic._phase === Finished) return 'completed';
  if (logic._inConns.length === 0 && logic._outConns.length === 0) return 'running';
  if (logic._openPorts === 0) return 'completed';
  const outs = logic._outConns;
  if (outs.length === 0) {
    for (const c of logic._inConns) if (c !== undefined && demandPending(c)) return 'waiting for element';
    return 'waiting for demand';
  }
  for (const c of outs) if (c !== undefined && demandPending(c)) return 'waiting for element';
  return 'waiting for demand';
}

export function snapshotOf(id: number, islands: number, logics: readonly InterpreterLogic[]): StreamSnapshot {
  const stages: StageSnapshot[] = [];
  const connections: ConnectionSnapshot[] = [];
  for (const logic of logics) {
    stages.push({ name: logic.stageName, state: stageState(logic), elementsIn: sum(logic._inConns), elementsOut: sum(logic._outConns) });
    for (const c of logic._outConns) {
      if (c !== undefined) connections.push({ from: c.outName, to: c.inName, state: connectionState(c), elements: c.pushes });
    }
  }
  return { id, islands, stages, connections };
}

/** A number that changes whenever the stream makes progress: elements delivered plus ports closed. */
export function progressOf(logics: readonly InterpreterLogic[]): number {
  let n = 0;
  for (const logic of logics) {
    for (const c of logic._outConns) {
      if (c === undefined) continue;
      n += c.pushes;
      if ((c.state & OutClosed) !== 0) n++;
      if ((c.state & InClosed) !== 0) n++;
    }
    if (logic._phase === Finished) n++;
    // A portless stage (a fused source-to-sink loop) moves elements without connections.
    else if (logic._inConns.length === 0 && logic._outConns.length === 0 && logic._interpreter !== null) n += logic._interpreter.eventsTotal;
  }
  return n;
}

/**
 * Finds the stage that holds a stalled stream up (see the essay above). `peers` maps each half of an
 * async boundary to the other half; boundary halves are never blamed themselves.
 */
export function findHoldUp(
  logics: readonly InterpreterLogic[],
  peers: ReadonlyMap<InterpreterLogic, InterpreterLogic>,
): { stage: InterpreterLogic; reason: 'demand without element' | 'element without demand' } | undefined {
  const running = logics.filter((l) => l._phase === Running && l._openPorts > 0 && !peers.has(l));
  // 1. Demand stops at a stage that has been pulled but does not pull upstream.
  for (const l of running) {
    let pulled = false;
    for (const c of l._outConns) if (c !== undefined && demandPending(c)) pulled = true;
    if (!pulled) continue;
    let asking = false;
    for (const c of l._inConns) if (c !== undefined && demandPending(c)) asking = true;
    if (!asking) return { stage: l, reason: 'demand without element' };
  }
  // 2. No demand anywhere it matters: the most downstream stage that does not pull holds everything up.
  const notPulling = new Set<InterpreterLogic>();
  for (const l of running) {
    let idleIn = false;
    for (const c of l._inConns) if (c !== undefined && (c.state & Closed) === 0 && !demandPending(c)) idleIn = true;
    let pulled = false;
    for (const c of l._outConns) if (c !== undefined && demandPending(c)) pulled = true;
    if (idleIn && !pulled) notPulling.add(l);
  }
  const downstreamOf = (l: InterpreterLogic): InterpreterLogic[] => {
    const out: InterpreterLogic[] = [];
    for (const c of l._outConns) {
      if (c === undefined || (c.state & Closed) !== 0) continue;
      const next = c.inOwner;
      const peer = peers.get(next);
      if (peer === undefined) out.push(next);
      else for (const pc of peer._outConns) if (pc !== undefined && (pc.state & Closed) === 0) out.push(pc.inOwner);
    }
    return out;
  };
  for (const l of notPulling) {
    if (!downstreamOf(l).some((d) => notPulling.has(d))) return { stage: l, reason: 'element without demand' };
  }
  return undefined;
}
