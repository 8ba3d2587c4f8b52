/** What the operators that flatten a source per element (flatMapConcat, flatMapMerge, switchMap) share. */
import type { Decider } from '../stage/Attributes.js';
import type { Graph } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { SourceShape } from '../stage/Shape.js';
import { type Cursor, Done } from './cursor.js';
import { decide, type FlowStage } from './FlowStage.js';
import { CREATE_CURSOR, isSyncSourceHost, type SyncSourceHost } from './fusion.js';
import { EmptySource } from './simpleSources.js';
import { SingleSource } from './single.js';
import { describe } from './validate.js';

/** Checks that `f` returned a source-shaped graph; the error names the operator. */
export function requireSource(stageName: string, g: unknown): Graph<SourceShape<unknown>, unknown> {
  const graph = g as Graph<SourceShape<unknown>, unknown> | null | undefined;
  if (graph === null || graph === undefined || typeof graph !== 'object' || !(graph.shape instanceof SourceShape) || graph.module === undefined) {
    throw new TypeError(`${stageName}: f must return a Source (a graph with a SourceShape), got ${describe(g)}`);
  }
  return graph;
}

/** The cursor of `Source.single(x)` read in place: `x`, then `Done`. */
class SingleCursor implements Cursor {
  exhausted = false;
  constructor(private readonly x: unknown) {}
  next(): unknown {
    if (this.exhausted) return Done;
    this.exhausted = true;
    return this.x;
  }
  close(): void {}
}

/** The cursor of `Source.empty()` read in place. */
const EmptyCursor: Cursor = {
  exhausted: true,
  next: () => Done,
  close: () => {},
};

/**
 * The inner-source fast path shared by the flattening operators: a source that needs no stage of its
 * own — `Source.single(x)`, `Source.empty()`, a plain synchronous `Source.range` / `Source.from(iterable)`
 * (no fused operators, no attributes) — is read through a cursor on demand instead of being
 * materialized as a sub-graph (Pekko's FlattenConcat does the same for single/empty). Returns `null`
 * for every other source (the caller materializes it). Throws what creating the cursor throws (the
 * source itself failed, as it would have in its own stage: the caller fails the stage).
 *
 * Such an inner source reads no element ahead and does not show in diagrams or snapshots; elements,
 * order, demand and completion are those of the materialized source.
 */
export function inlineCursor(source: Graph<SourceShape<unknown>, unknown>): Cursor | null {
  if (!isInlinable(source)) return null;
  const stage = (source.module as { stage: unknown }).stage;
  if (stage instanceof SingleSource) return new SingleCursor(stage.element);
  if (stage instanceof EmptySource) return EmptyCursor;
  return (stage as SyncSourceHost)[CREATE_CURSOR]();
}

/** Whether `inlineCursor(source)` reads `source` in place (decided without creating a cursor). */
export function isInlinable(source: Graph<SourceShape<unknown>, unknown>): boolean {
  const m = source.module;
  if (m.kind !== 'atomic' || m.attributes !== null) return false;
  const stage = m.stage;
  return stage instanceof SingleSource || stage instanceof EmptySource || (isSyncSourceHost(stage) && stage.chain === null);
}

/** A fresh cursor over a source `isInlinable` accepted; throws what creating it throws (the source failed). */
export function openCursor(source: Graph<SourceShape<unknown>, unknown>): Cursor {
  const c = inlineCursor(source);
  if (c === null) throw new Error('openCursor: the source is not read in place');
  return c;
}

/** A flattening stage: `f` maps each element to a source. */
export interface FlattenStage<I, O> extends FlowStage<I, O> {
  readonly f: (x: I) => Graph<SourceShape<O>, unknown>;
}

/**
 * The logic the flattening operators share: taking the pushed element's inner source (`takeInner`).
 * Subclasses decide what to do with it — materialize it, or read it in place through `takenCursor`.
 */
export abstract class FlattenLogic<I, O, S extends FlattenStage<I, O>> extends GraphStageLogic implements InHandler, OutHandler {
  /** Set by `takeInner`: the cursor of the source it returned when that source is read in place, else null. */
  protected takenCursor: Cursor | null = null;

  constructor(
    protected readonly stage: S,
    protected readonly decider: Decider,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }

  abstract onPush(): void;
  abstract onPull(): void;

  /**
   * Grabs the pushed element and returns the source `f` made of it, with `takenCursor` set when that
   * source is read in place (`inlineCursor`). Returns null when there is none to run: `f` threw or did not
   * return a source and supervision said resume/restart (upstream is pulled again: the element is
   * skipped) or stop (the stage failed); or creating the cursor threw (the stage failed, as the source
   * would have in its own stage).
   */
  protected takeInner(): Graph<SourceShape<O>, unknown> | null {
    const s = this.stage;
    this.takenCursor = null;
    let source: Graph<SourceShape<O>, unknown>;
    try {
      source = requireSource(this.stageName, s.f(this.grab(s.in))) as Graph<SourceShape<O>, unknown>;
    } catch (e) {
      if (decide(this.decider, e) === 'stop') this.failStage(e);
      else this.pull(s.in);
      return null;
    }
    try {
      this.takenCursor = inlineCursor(source);
    } catch (e) {
      this.failStage(e);
      return null;
    }
    return source;
  }
}
