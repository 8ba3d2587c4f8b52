import type { Module } from '../impl/Module.js';
import { describe, requireFunction } from '../operators/validate.js';
import type { Attributes } from '../stage/Attributes.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';
import { type FlowShape, type SinkShape, SourceShape } from '../stage/Shape.js';
import { Keep } from './Keep.js';
import { bindClass } from './lateBinding.js';
import { Materializer } from './Materializer.js';
import { type ContextHKT, type FlowWithContextOps, installContextOps } from './ops/contextOps.js';
import type { RunnableGraph } from './RunnableGraph.js';
import { Source } from './Source.js';

/** Higher-kinded view of `SourceWithContext<_, _, Mat>` (see contextOps.ts). */
export interface SourceWithContextF<Mat> extends ContextHKT {
  readonly type: SourceWithContext<this['Out'], this['Ctx'], Mat>;
}

// The operators (map, filter, mapAsync, grouped, …) are declared once in contextOps.ts.
export interface SourceWithContext<Out, Ctx, Mat = NotUsed> extends FlowWithContextOps<Out, Ctx, SourceWithContextF<Mat>> {}

/**
 * A source whose elements each carry a context — a Kafka offset to commit once the element is
 * processed, a request's correlation id — that the operators pass along untouched (Akka's
 * `SourceWithContext`). It is a stream of pairs `[element, context]` underneath: `asSource()` gives
 * them back, and it can be used wherever a `Graph<SourceShape<[Out, Ctx]>>` is expected.
 *
 * Contexts are never reordered relative to their elements; an element that is filtered out (or dropped
 * by supervision) takes its context along; `mapConcat` repeats a context on every element it produces
 * and `grouped` makes the contexts of a group an array. See docs/context.md.
 *
 * @example
 * const committed = Source.from(records)
 *   .asSourceWithContext((r) => r.offset)
 *   .map((r) => JSON.parse(r.value))
 *   .mapAsync(4, store)
 *   .asSource()
 *   .runWith(Sink.foreach(([, offset]) => commit(offset)));
 */
export class SourceWithContext<Out, Ctx, Mat = NotUsed> implements Graph<SourceShape<[Out, Ctx]>, Mat> {
  declare readonly _materializedType?: () => Mat;

  /** @internal Use `SourceWithContext.fromTuples` or `source.asSourceWithContext`. */
  constructor(private readonly delegate: Source<[Out, Ctx], Mat>) {}

  /** @internal */
  get shape(): SourceShape<[Out, Ctx]> {
    return this.delegate.shape;
  }

  /** @internal */
  get module(): Module {
    return this.delegate.module;
  }

  /**
   * A source with context from a source of `[element, context]` pairs (the pairs must be two-element
   * arrays; they are never modified).
   *
   * @example SourceWithContext.fromTuples(Source.from([['a', 1], ['b', 2]] as const))
   */
  static fromTuples<Out, Ctx, Mat>(source: Graph<SourceShape<readonly [Out, Ctx]>, Mat>): SourceWithContext<Out, Ctx, Mat> {
    const g = source as Graph<SourceShape<unknown>, unknown> | null | undefined;
    if (g === null || typeof g !== 'object' || !(g.shape instanceof SourceShape)) {
      throw new TypeError(
        `SourceWithContext.fromTuples: source must be a Source of [element, context] pairs (a graph with a SourceShape), got ${g?.shape?.constructor?.name ?? describe(source)}`,
      );
    }
    return new SourceWithContext(Source.fromGraph(source as Graph<SourceShape<[Out, Ctx]>, Mat>));
  }

  /** The pairs `[element, context]` as a plain source. */
  asSource(): Source<[Out, Ctx], Mat> {
    return this.delegate;
  }

  /** Appends a flow with context (or any flow of pairs); keeps this source's materialized value. */
  via<O2, C2>(flow: Graph<FlowShape<[Out, Ctx], readonly [O2, C2]>, unknown>): SourceWithContext<O2, C2, Mat> {
    return new SourceWithContext(this.delegate.via(flow as Graph<FlowShape<[Out, Ctx], [O2, C2]>, unknown>));
  }

  /** Appends a flow with context (or any flow of pairs), combining both materialized values with `combine`. */
  viaMat<O2, C2, M2, M3>(flow: Graph<FlowShape<[Out, Ctx], readonly [O2, C2]>, M2>, combine: (m1: Mat, m2: M2) => M3): SourceWithContext<O2, C2, M3> {
    return new SourceWithContext(this.delegate.viaMat(flow as Graph<FlowShape<[Out, Ctx], [O2, C2]>, M2>, combine));
  }

  /** Connects a sink of pairs; the result keeps this source's materialized value. */
  to(sink: Graph<SinkShape<[Out, Ctx]>, unknown>): RunnableGraph<Mat> {
    return this.delegate.to(sink);
  }

  /** Connects a sink of pairs, combining both materialized values with `combine`. */
  toMat<M2, M3>(sink: Graph<SinkShape<[Out, Ctx]>, M2>, combine: (m1: Mat, m2: M2) => M3): RunnableGraph<M3> {
    return this.delegate.toMat(sink, combine);
  }

  /** Runs this source into a sink of pairs; returns the sink's materialized value. */
  runWith<M2>(sink: Graph<SinkShape<[Out, Ctx]>, M2>, materializer: Materializer = Materializer.default): M2 {
    return this.delegate.toMat(sink, Keep.right).run(materializer);
  }

  /** Same stream, materialized value transformed by `f` at materialization time. */
  mapMaterializedValue<M2>(f: (m: Mat) => M2): SourceWithContext<Out, Ctx, M2> {
    requireFunction('SourceWithContext.mapMaterializedValue', 'f', f);
    return new SourceWithContext(this.delegate.mapMaterializedValue(f));
  }

  /** Adds attributes to this whole source (inherited by every stage inside it). */
  withAttributes(attributes: Attributes): SourceWithContext<Out, Ctx, Mat> {
    return new SourceWithContext(this.delegate.withAttributes(attributes));
  }

  /** Names this source; the name appears in errors, logs and diagrams. */
  named(name: string): SourceWithContext<Out, Ctx, Mat> {
    return new SourceWithContext(this.delegate.named(name));
  }

  /** Runs this source in its own island, decoupled from downstream by a bounded buffer. */
  async(): SourceWithContext<Out, Ctx, Mat> {
    return new SourceWithContext(this.delegate.async());
  }
}

installContextOps(SourceWithContext.prototype);
bindClass('SourceWithContext', SourceWithContext);
