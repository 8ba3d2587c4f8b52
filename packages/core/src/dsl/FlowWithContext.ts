import type { Module } from '../impl/Module.js';
import { describe, requireFunction } from '../operators/validate.js';
import type { Attributes } from '../stage/Attributes.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';
import { FlowShape, type SinkShape, type SourceShape } from '../stage/Shape.js';
import { Flow } from './Flow.js';
import { bindClass } from './lateBinding.js';
import { Materializer } from './Materializer.js';
import { type ContextHKT, type FlowWithContextOps, installContextOps } from './ops/contextOps.js';
import type { Sink } from './Sink.js';

/** Higher-kinded view of `FlowWithContext<In, CtxIn, _, _, Mat>` (see contextOps.ts). */
export interface FlowWithContextF<In, CtxIn, Mat> extends ContextHKT {
  readonly type: FlowWithContext<In, CtxIn, this['Out'], this['Ctx'], Mat>;
}

// The operators (map, filter, mapAsync, grouped, …) are declared once in contextOps.ts.
export interface FlowWithContext<In, CtxIn, Out, CtxOut, Mat = NotUsed> extends FlowWithContextOps<Out, CtxOut, FlowWithContextF<In, CtxIn, Mat>> {}

/**
 * A reusable processing step for elements that carry a context (Akka's `FlowWithContext`): a flow of
 * pairs `[element, context]` whose operators work on the elements and pass each context along with
 * its element. Attach it to a `SourceWithContext` with `via`; `asFlow()` gives the plain flow of pairs,
 * and it can be used wherever a `Graph<FlowShape<readonly [In, CtxIn], [Out, CtxOut]>>` is expected.
 *
 * @example
 * const enrich = FlowWithContext.create<Order, Offset>().mapAsync(4, (o) => prices.lookup(o));
 * orders.via(enrich).asSource().runWith(committer);
 */
export class FlowWithContext<In, CtxIn, Out, CtxOut, Mat = NotUsed> implements Graph<FlowShape<readonly [In, CtxIn], [Out, CtxOut]>, Mat> {
  declare readonly _materializedType?: () => Mat;

  /** @internal Use `FlowWithContext.create`, `FlowWithContext.fromTuples` or `flow.asFlowWithContext`. */
  constructor(private readonly delegate: Flow<readonly [In, CtxIn], [Out, CtxOut], Mat>) {}

  /** @internal */
  get shape(): FlowShape<readonly [In, CtxIn], [Out, CtxOut]> {
    return this.delegate.shape;
  }

  /** @internal */
  get module(): Module {
    return this.delegate.module;
  }

  /** The identity flow with context, the starting point for building one with operators. */
  static create<In, Ctx>(): FlowWithContext<In, Ctx, In, Ctx> {
    return new FlowWithContext(Flow.create<[In, Ctx]>() as Flow<readonly [In, Ctx], [In, Ctx]>);
  }

  /**
   * A flow with context from a flow of `[element, context]` pairs. The flow is trusted to keep each
   * context with its element (it may be any flow, e.g. a connector's pass-through flow).
   */
  static fromTuples<In, CtxIn, Out, CtxOut, Mat>(
    flow: Graph<FlowShape<[In, CtxIn], readonly [Out, CtxOut]>, Mat>,
  ): FlowWithContext<In, CtxIn, Out, CtxOut, Mat> {
    const g = flow as Graph<FlowShape<unknown, unknown>, unknown> | null | undefined;
    if (g === null || typeof g !== 'object' || !(g.shape instanceof FlowShape)) {
      throw new TypeError(
        `FlowWithContext.fromTuples: flow must be a Flow of [element, context] pairs (a graph with a FlowShape), got ${g?.shape?.constructor?.name ?? describe(flow)}`,
      );
    }
    return new FlowWithContext(Flow.fromGraph(flow as unknown as Graph<FlowShape<readonly [In, CtxIn], [Out, CtxOut]>, Mat>));
  }

  /** The plain flow of pairs `[element, context]`. */
  asFlow(): Flow<readonly [In, CtxIn], [Out, CtxOut], Mat> {
    return this.delegate;
  }

  /** Appends a flow with context (or any flow of pairs); keeps this flow's materialized value. */
  via<O2, C2>(flow: Graph<FlowShape<[Out, CtxOut], readonly [O2, C2]>, unknown>): FlowWithContext<In, CtxIn, O2, C2, Mat> {
    return new FlowWithContext(this.delegate.via(flow as Graph<FlowShape<[Out, CtxOut], [O2, C2]>, unknown>));
  }

  /** Appends a flow with context (or any flow of pairs), combining both materialized values with `combine`. */
  viaMat<O2, C2, M2, M3>(
    flow: Graph<FlowShape<[Out, CtxOut], readonly [O2, C2]>, M2>,
    combine: (m1: Mat, m2: M2) => M3,
  ): FlowWithContext<In, CtxIn, O2, C2, M3> {
    return new FlowWithContext(this.delegate.viaMat(flow as Graph<FlowShape<[Out, CtxOut], [O2, C2]>, M2>, combine));
  }

  /** Connects a sink of pairs: the result is a sink of input pairs. Keeps this flow's materialized value. */
  to(sink: Graph<SinkShape<[Out, CtxOut]>, unknown>): Sink<readonly [In, CtxIn], Mat> {
    return this.delegate.to(sink);
  }

  /** Connects a sink of pairs, combining both materialized values with `combine`. */
  toMat<M2, M3>(sink: Graph<SinkShape<[Out, CtxOut]>, M2>, combine: (m1: Mat, m2: M2) => M3): Sink<readonly [In, CtxIn], M3> {
    return this.delegate.toMat(sink, combine);
  }

  /** Runs `source` (of input pairs) through this flow into `sink` (of output pairs); returns both ends' materialized values. */
  runWith<M1, M2>(
    source: Graph<SourceShape<readonly [In, CtxIn]>, M1>,
    sink: Graph<SinkShape<[Out, CtxOut]>, M2>,
    materializer: Materializer = Materializer.default,
  ): [M1, M2] {
    return this.delegate.runWith(source, sink, materializer);
  }

  /** Same flow, materialized value transformed by `f` at materialization time. */
  mapMaterializedValue<M2>(f: (m: Mat) => M2): FlowWithContext<In, CtxIn, Out, CtxOut, M2> {
    requireFunction('FlowWithContext.mapMaterializedValue', 'f', f);
    return new FlowWithContext(this.delegate.mapMaterializedValue(f));
  }

  /** Adds attributes to this whole flow (inherited by every stage inside it). */
  withAttributes(attributes: Attributes): FlowWithContext<In, CtxIn, Out, CtxOut, Mat> {
    return new FlowWithContext(this.delegate.withAttributes(attributes));
  }

  /** Names this flow; the name appears in errors, logs and diagrams. */
  named(name: string): FlowWithContext<In, CtxIn, Out, CtxOut, Mat> {
    return new FlowWithContext(this.delegate.named(name));
  }

  /** Runs this flow in its own island, decoupled from downstream by a bounded buffer. */
  async(): FlowWithContext<In, CtxIn, Out, CtxOut, Mat> {
    return new FlowWithContext(this.delegate.async());
  }
}

installContextOps(FlowWithContext.prototype);
bindClass('FlowWithContext', FlowWithContext);
