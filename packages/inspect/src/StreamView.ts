/**
 * What the inspector page draws, computed from the core's detailed snapshots by a pure function: no
 * clock, no I/O, so the rules below are tested on their own.
 *
 * ## Stage status
 *
 * - **failed**: the stage stopped with a failure (its message and the stage where it started are kept).
 * - **finished**: all its ports are closed.
 * - **running**: elements went in or out of it since the previous snapshot (or it is a source-to-sink
 *   loop fused into one stage, which runs on its own).
 * - **pulling**: nothing moved; it was asked for an element and waits for one (from upstream, a promise,
 *   a timer…).
 * - **back-pressured**: nothing moved; nobody asked it for an element (for a sink: it is not asking).
 *
 * ## The stage holding the stream up
 *
 * At each snapshot the core names the stage where demand stops (`holdUp`: asked for an element and not
 * asking upstream, or the most downstream stage not asking). A single instant can be chance, so the view
 * marks a stage only when it was named in at least `HoldUpShare` of the recent samples. When the stream
 * made no progress for `stallAfterMs`, it is **stalled** and the stage named now is marked, whatever the
 * history.
 *
 * ## Async boundaries
 *
 * The two halves of an async boundary are not drawn as stages: they become one edge from the stage
 * before the boundary to the stage after it, carrying the boundary's buffer fill. Stages are grouped by
 * island (the regions between boundaries).
 */
import type {
  ConnectionState,
  DetailedConnectionSnapshot,
  DetailedStageSnapshot,
  DetailedStreamSnapshot,
  HoldUp,
  StageFailure,
  StageState,
} from '@tributary/core';

export type StageStatus = 'running' | 'pulling' | 'back-pressured' | 'finished' | 'failed';
export type StreamStatus = 'running' | 'stalled' | 'completed' | 'failed';

export interface StageView {
  readonly id: number;
  readonly name: string;
  readonly status: StageStatus;
  /** The core's state at the moment of the snapshot. */
  readonly demand: StageState;
  readonly elementsIn: number;
  readonly elementsOut: number;
  /** Elements per second since the previous snapshot (0 without one). */
  readonly inRate: number;
  readonly outRate: number;
  /** Stages of one island run on one event loop turn; islands are separated by async boundaries. */
  readonly island: number;
  /** Part of a substream (a recovery source, a restart's inner stream, a flatMap's current source…). */
  readonly substream: boolean;
  /** This is the stage holding the stream up (see the module comment). */
  readonly holdingUp: boolean;
  readonly failure?: StageFailure;
  readonly restarts?: number;
}

export interface EdgeView {
  readonly from: number;
  readonly to: number;
  /** `stage.port` of both ends, as the core names them. */
  readonly fromPort: string;
  readonly toPort: string;
  readonly state: ConnectionState;
  /** Elements delivered over the edge so far. */
  readonly elements: number;
  /** Elements per second since the previous snapshot (0 without one). */
  readonly rate: number;
  /** Set when the edge crosses an async boundary. */
  readonly boundary?: { readonly buffered: number; readonly capacity: number };
}

export interface HoldUpView {
  readonly stage: number;
  readonly name: string;
  readonly reason: HoldUp['reason'];
  /** In how many of the recent samples this stage was the one named (1 when the stream is stalled). */
  readonly share: number;
}

export interface FailureView {
  readonly stage: number;
  readonly name: string;
  readonly message: string;
  readonly origin: string;
}

export interface StreamView {
  readonly id: number;
  readonly status: StreamStatus;
  readonly islands: number;
  readonly stages: readonly StageView[];
  readonly edges: readonly EdgeView[];
  readonly holdUp: HoldUpView | undefined;
  readonly failures: readonly FailureView[];
  /** How long the stream has made no progress (0 when it just did). */
  readonly idleMs: number;
  /** Elements delivered per second over all edges since the previous snapshot. */
  readonly deliveriesPerSecond: number;
}

/** One line of the stream list. */
export interface StreamSummary {
  readonly id: number;
  readonly status: StreamStatus;
  readonly stages: number;
  readonly holdUp: string | undefined;
  readonly failures: number;
  readonly deliveriesPerSecond: number;
}

/** A stage must be named in at least this share of the recent samples to be marked as holding the stream up. */
export const HoldUpShare = 0.6;

export interface ViewInput {
  readonly snapshot: DetailedStreamSnapshot;
  /** The previous snapshot of the same stream and how many ms before this one it was taken. */
  readonly previous?: { readonly snapshot: DetailedStreamSnapshot; readonly elapsedMs: number };
  /** The stage ids the core named as `holdUp` in the recent samples, this one included (oldest first). */
  readonly recentHoldUps?: readonly (number | undefined)[];
  /** How long the stream has made no progress. */
  readonly idleMs?: number;
  /** No progress for this long makes the stream stalled. */
  readonly stallAfterMs: number;
}

const edgeKey = (from: number, to: number, fromPort: string, toPort: string): string => `${from}|${to}|${fromPort}|${toPort}`;

function rate(now: number, before: number | undefined, elapsedMs: number | undefined): number {
  if (before === undefined || elapsedMs === undefined || elapsedMs <= 0 || now < before) return 0;
  return ((now - before) * 1000) / elapsedMs;
}

/** Collapses async boundaries: their halves disappear and each pair becomes one edge. */
function drawnEdges(snapshot: DetailedStreamSnapshot): Omit<EdgeView, 'rate'>[] {
  const byId = new Map<number, DetailedStageSnapshot>();
  for (const s of snapshot.stages) byId.set(s.id, s);
  const outOf = new Map<number, DetailedConnectionSnapshot>();
  for (const c of snapshot.connections) if (byId.get(c.fromStage)?.boundary !== undefined) outOf.set(c.fromStage, c);
  const edges: Omit<EdgeView, 'rate'>[] = [];
  for (const c of snapshot.connections) {
    const upper = byId.get(c.toStage);
    if (byId.get(c.fromStage)?.boundary !== undefined) continue;
    if (upper?.boundary === undefined) {
      edges.push({ from: c.fromStage, to: c.toStage, fromPort: c.from, toPort: c.to, state: c.state, elements: c.elements });
      continue;
    }
    // c enters the upstream half of a boundary; follow it to what the downstream half feeds.
    const after = outOf.get(upper.boundary.peer);
    if (after === undefined) continue;
    edges.push({
      from: c.fromStage,
      to: after.toStage,
      fromPort: c.from,
      toPort: after.to,
      state: after.state,
      elements: after.elements,
      boundary: { buffered: upper.boundary.buffered, capacity: upper.boundary.capacity },
    });
  }
  return edges;
}

function islandsOf(stages: readonly DetailedStageSnapshot[], edges: readonly Omit<EdgeView, 'rate'>[]): Map<number, number> {
  const parent = new Map<number, number>();
  for (const s of stages) parent.set(s.id, s.id);
  const find = (x: number): number => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    let cur = x;
    while (cur !== root) {
      const next = parent.get(cur)!;
      parent.set(cur, root);
      cur = next;
    }
    return root;
  };
  for (const e of edges) {
    if (e.boundary !== undefined || !parent.has(e.from) || !parent.has(e.to)) continue;
    parent.set(find(e.from), find(e.to));
  }
  // Number the islands 0, 1, … in the order of their first stage.
  const numbers = new Map<number, number>();
  const island = new Map<number, number>();
  for (const s of stages) {
    const root = find(s.id);
    let n = numbers.get(root);
    if (n === undefined) numbers.set(root, (n = numbers.size));
    island.set(s.id, n);
  }
  return island;
}

function statusOf(stage: DetailedStageSnapshot, moved: boolean): StageStatus {
  if (stage.state === 'completed') return stage.failure !== undefined ? 'failed' : 'finished';
  if (stage.state === 'running' || moved) return 'running';
  return stage.state === 'waiting for element' ? 'pulling' : 'back-pressured';
}

/** The stage to mark as holding the stream up, if any (see the module comment). */
function holdUpOf(snapshot: DetailedStreamSnapshot, recent: readonly (number | undefined)[], stalled: boolean): { stage: number; share: number } | undefined {
  if (snapshot.finished) return undefined;
  if (stalled) return snapshot.holdUp === undefined ? undefined : { stage: snapshot.holdUp.stage, share: 1 };
  const samples = recent.length === 0 ? [snapshot.holdUp?.stage] : recent;
  const counts = new Map<number, number>();
  for (const id of samples) if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
  let best: { stage: number; share: number } | undefined;
  for (const [stage, n] of counts) {
    const share = n / samples.length;
    if (share >= HoldUpShare && (best === undefined || share > best.share)) best = { stage, share };
  }
  return best;
}

/** The view of one stream: see the module comment for what each field means. */
export function streamView(input: ViewInput): StreamView {
  const { snapshot, previous } = input;
  const elapsedMs = previous?.elapsedMs;
  const before = new Map<number, DetailedStageSnapshot>();
  const beforeEdges = new Map<string, number>();
  if (previous !== undefined) {
    for (const s of previous.snapshot.stages) before.set(s.id, s);
    for (const e of drawnEdges(previous.snapshot)) beforeEdges.set(edgeKey(e.from, e.to, e.fromPort, e.toPort), e.elements);
  }
  const rawEdges = drawnEdges(snapshot);
  const drawn = snapshot.stages.filter((s) => s.boundary === undefined);
  const island = islandsOf(drawn, rawEdges);
  const idleMs = input.idleMs ?? 0;
  const stalled = !snapshot.finished && idleMs >= input.stallAfterMs;
  const hold = holdUpOf(snapshot, input.recentHoldUps ?? [], stalled);
  // Blame never lands on a boundary half: the core looks through them already.
  const holdStage = hold === undefined ? undefined : drawn.find((s) => s.id === hold.stage);

  const stages: StageView[] = drawn.map((s) => {
    const prev = before.get(s.id);
    const moved = prev !== undefined && (prev.elementsIn !== s.elementsIn || prev.elementsOut !== s.elementsOut);
    let view: StageView = {
      id: s.id,
      name: s.name,
      status: statusOf(s, moved),
      demand: s.state,
      elementsIn: s.elementsIn,
      elementsOut: s.elementsOut,
      inRate: rate(s.elementsIn, prev?.elementsIn, elapsedMs),
      outRate: rate(s.elementsOut, prev?.elementsOut, elapsedMs),
      island: island.get(s.id) ?? 0,
      substream: s.substream,
      holdingUp: holdStage !== undefined && holdStage.id === s.id,
    };
    if (s.failure !== undefined) view = { ...view, failure: s.failure };
    if (s.restarts !== undefined) view = { ...view, restarts: s.restarts };
    return view;
  });
  const edges: EdgeView[] = rawEdges.map((e) => ({ ...e, rate: rate(e.elements, beforeEdges.get(edgeKey(e.from, e.to, e.fromPort, e.toPort)), elapsedMs) }));
  const failures: FailureView[] = stages
    .filter((s) => s.failure !== undefined)
    .map((s) => ({ stage: s.id, name: s.name, message: s.failure!.message, origin: s.failure!.origin }));

  // A stream failed when the failure reached one of its ends: a stage of the main graph with no way out.
  const hasOut = new Set(rawEdges.map((e) => e.from));
  const failedAtEnd = stages.some((s) => s.failure !== undefined && !s.substream && !hasOut.has(s.id));
  const status: StreamStatus = snapshot.finished ? (failedAtEnd ? 'failed' : 'completed') : stalled ? 'stalled' : 'running';
  let deliveriesPerSecond = 0;
  for (const e of edges) deliveriesPerSecond += e.rate;

  return {
    id: snapshot.id,
    status,
    islands: snapshot.islands,
    stages,
    edges,
    holdUp:
      holdStage === undefined || hold === undefined
        ? undefined
        : {
            stage: holdStage.id,
            name: holdStage.name,
            reason: snapshot.holdUp?.stage === holdStage.id ? snapshot.holdUp.reason : reasonFromState(holdStage),
            share: hold.share,
          },
    failures,
    idleMs: snapshot.finished ? 0 : idleMs,
    deliveriesPerSecond,
  };
}

function reasonFromState(stage: DetailedStageSnapshot): HoldUp['reason'] {
  return stage.state === 'waiting for element' ? 'demand without element' : 'element without demand';
}

export function summaryOf(view: StreamView): StreamSummary {
  return {
    id: view.id,
    status: view.status,
    stages: view.stages.length,
    holdUp: view.holdUp?.name,
    failures: view.failures.length,
    deliveriesPerSecond: view.deliveriesPerSecond,
  };
}
