/** What the operators that flatten a source per element (flatMapConcat, flatMapMerge, switchMap) share. */
import type { Graph } from '../stage/GraphStage.js';
import { SourceShape } from '../stage/Shape.js';
import { describe } from './validate.js';

/** Checks that `f` returned a source-shaped graph; the error names the operator. */
export function requireSource(stageName: string, g: unknown): Graph<SourceShape<unknown>, unknown> {
  const graph = g as Graph<SourceShape<unknown>, unknown> | null | undefined;
  if (graph === null || graph === undefined || typeof graph !== 'object' || !(graph.shape instanceof SourceShape) || graph.module === undefined) {
    throw new TypeError(`${stageName}: f must return a Source (a graph with a SourceShape), got ${describe(g)}`);
  }
  return graph;
}
