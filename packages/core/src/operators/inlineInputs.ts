/**
 * Fan-in inputs read in place: a source passed to `merge`/`mergeAll`/`zip`/`zipWith` that needs no
 * stage of its own (what `inlineCursor` accepts) is handed to the junction stage, which reads it through
 * a fresh cursor per materialization instead of wiring it as an input.
 */
import type { Graph } from '../stage/GraphStage.js';
import type { SourceShape } from '../stage/Shape.js';
import type { Cursor } from './cursor.js';
import { inlineCursor } from './flattenInternals.js';
import { isSyncSourceHost } from './fusion.js';
import { EmptySource } from './simpleSources.js';
import { SingleSource } from './single.js';

/** Whether `inlineCursor(source)` would read `source` in place (decided without creating a cursor). */
export function isInlinable(source: Graph<SourceShape<unknown>, unknown>): boolean {
  const m = source.module;
  if (m.kind !== 'atomic' || m.attributes !== null) return false;
  const stage = m.stage;
  return stage instanceof SingleSource || stage instanceof EmptySource || (isSyncSourceHost(stage) && stage.chain === null);
}

/** A fresh cursor over an inlinable source; throws what creating it throws (the source failed). */
export function openCursor(source: Graph<SourceShape<unknown>, unknown>): Cursor {
  const c = inlineCursor(source);
  if (c === null) throw new Error('openCursor: the source is not inlinable');
  return c;
}
