/** What the operators that flatten a source per element (flatMapConcat, flatMapMerge, switchMap) share. */
import type { Graph } from '../stage/GraphStage.js';
import { SourceShape } from '../stage/Shape.js';
import { type Cursor, Done } from './cursor.js';
import { CREATE_CURSOR, isSyncSourceHost } from './fusion.js';
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
  const m = source.module;
  if (m.kind !== 'atomic' || m.attributes !== null) return null;
  const stage = m.stage;
  if (stage instanceof SingleSource) return new SingleCursor(stage.element);
  if (stage instanceof EmptySource) return EmptyCursor;
  if (isSyncSourceHost(stage) && stage.chain === null) return stage[CREATE_CURSOR]();
  return null;
}
