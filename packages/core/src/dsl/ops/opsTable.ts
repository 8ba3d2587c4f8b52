/**
 * What every operator table of FlowOps is written against (see ../FlowOps.ts for the pattern): one
 * receiver type for every implementation, and a table type keyed by the area's interface, so that a
 * missing or misspelt operator fails to compile.
 */
import type { Graph } from '../../stage/GraphStage.js';
import type { FlowShape, SinkShape } from '../../stage/Shape.js';

/** What an operator implementation needs of its receiver (a Source, a Flow or a SubFlow). */
export interface OpsReceiver {
  via(graph: Graph<FlowShape<any, any>, unknown>): any;
  /** Source and Flow only: used by the FlowOpsMat operators, which a SubFlow does not have. */
  viaMat(graph: Graph<FlowShape<any, any>, unknown>, combine: (l: any, r: any) => unknown): any;
  to(sink: Graph<SinkShape<any>, unknown>): any;
}

/** One implementation per operator of `Ops` (an area's interface, applied to `unknown` and `HKT`). */
export type OpsTable<Ops> = { readonly [K in keyof Ops]-?: (this: OpsReceiver, ...args: any[]) => unknown };

/** Any user function, as the implementations receive it (the interfaces give the precise types). */
export type Fn = (...args: any[]) => any;
