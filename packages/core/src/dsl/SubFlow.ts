/**
 * `SubFlow`: what `groupBy`, `splitWhen` and `splitAfter` return — a stream of substreams, seen as one
 * flow that is applied to *each* substream. Every operator called on a SubFlow (map, filter, take,
 * fold, …) runs once per substream; then the substreams are joined back into one stream:
 *
 * - `mergeSubstreams()` — all substreams run concurrently, their elements interleaved as they come;
 * - `mergeSubstreamsWithParallelism(n)` — at most `n` substreams run at a time;
 * - `concatSubstreams()` — one substream at a time, in the order they were opened;
 * - `to(sink)` — each substream runs into its own materialization of `sink`.
 *
 * Substreams run inside the parent's island: no event-loop hop per element. As in Pekko, they inherit
 * the attributes of the enclosing stream (supervision, subscription timeout, custom attributes; not its
 * name): `groupBy(…).map(f).mergeSubstreams().withAttributes(resume)` resumes when `f` throws inside a
 * substream. Attributes set on the SubFlow itself (`withAttributes` below) win over inherited ones.
 *
 * ## Substreams that are not consumed
 *
 * A substream that does not pull holds everything back: groupBy and split deliver elements in order,
 * so an element waiting for a slow (or stalled) substream stops all others. With
 * `mergeSubstreamsWithParallelism(n)` or `concatSubstreams()`, a substream that cannot be started
 * because all slots are taken is such a stalled substream: `groupBy(k, …)` with more than `n` live keys
 * (or more than one, for `concatSubstreams`) deadlocks unless the running substreams complete on their
 * own (e.g. with `take`). A substream source that nobody materializes within the subscription timeout
 * (default 5 s, see `subscriptionTimeout`) is closed; its elements are then dropped.
 */
import type { Module } from '../impl/Module.js';
import { describe, requirePositiveIntOrInfinity } from '../operators/validate.js';
import { Attributes } from '../stage/Attributes.js';
import type { Graph } from '../stage/GraphStage.js';
import type { FlowShape, SinkShape } from '../stage/Shape.js';
import { composeLinear, identityModule } from './compose.js';
import type { Flow } from './Flow.js';
import { type HKT, installSubFlowOps, type Kind, type SubFlowOps } from './FlowOps.js';
import { Keep } from './Keep.js';
import { bindClass } from './lateBinding.js';
import type { RunnableGraph } from './RunnableGraph.js';
import type { Sink } from './Sink.js';
import type { Source } from './Source.js';

/** Higher-kinded view of `SubFlow<_, F>` (see FlowOps). */
export interface SubFlowF<F extends HKT> extends HKT {
  readonly type: SubFlow<this['Out'], F>;
}

/** What `to(sink)` on a SubFlow returns: a RunnableGraph for a Source, a Sink for a Flow. */
export type ClosedOf<F extends HKT> =
  Kind<F, never> extends Flow<infer I, never, infer M>
    ? Sink<I, M>
    : Kind<F, never> extends Source<never, infer M>
      ? RunnableGraph<M>
      : Kind<F, never> extends SubFlow<never, infer G>
        ? ClosedOf<G>
        : never;

// The operators are declared once in FlowOps and installed on the prototype (below the class).
export interface SubFlow<Out, F extends HKT> extends SubFlowOps<Out, SubFlowF<F>> {}

/** @internal How a SubFlow turns back into its parent's kind. */
export interface SubFlowJoin {
  /** The parent with the splitting stage and a flattening stage of `breadth` appended. */
  merge(flow: Module | null, breadth: number, operatorName: string): unknown;
  /** The parent with the splitting stage and a sink that runs every substream into `sink`. */
  to(flow: Module | null, sink: Module): unknown;
}

export class SubFlow<Out, F extends HKT> {
  /** @internal */
  constructor(
    /** The flow applied to each substream (null: nothing yet). */
    private readonly flow: Module | null,
    private readonly join: SubFlowJoin,
  ) {}

  /** Appends a flow to every substream. */
  via<T>(flow: Graph<FlowShape<Out, T>, unknown>): SubFlow<T, F> {
    return new SubFlow<T, F>(this.flow === null ? flow.module : composeLinear(this.flow, flow.module, Keep.left), this.join);
  }

  /**
   * Runs all substreams concurrently and emits their elements as they arrive.
   *
   * - **Emits when** one of the substreams has an element available.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream and all substreams complete.
   * - **Cancels when** downstream cancels.
   */
  mergeSubstreams(): Kind<F, Out> {
    return this.join.merge(this.flow, Infinity, 'mergeSubstreams') as Kind<F, Out>;
  }

  /**
   * Runs at most `parallelism` substreams at a time; the next substream starts when one completes.
   * Fewer slots than concurrently open substreams deadlocks (see "Substreams that are not consumed").
   *
   * - **Emits when** one of the running substreams has an element available.
   * - **Backpressures when** downstream backpressures, or all slots are taken and a new substream waits.
   * - **Completes when** upstream and all substreams complete.
   * - **Cancels when** downstream cancels.
   */
  mergeSubstreamsWithParallelism(parallelism: number): Kind<F, Out> {
    requirePositiveIntOrInfinity('mergeSubstreamsWithParallelism', 'parallelism', parallelism);
    return this.join.merge(this.flow, parallelism, 'mergeSubstreamsWithParallelism') as Kind<F, Out>;
  }

  /**
   * Runs one substream at a time, in the order they were opened, and emits their elements in that
   * order. With `groupBy`, only useful when each substream completes on its own before the next key
   * appears (otherwise it deadlocks — see "Substreams that are not consumed").
   *
   * - **Emits when** the current substream has an element available.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream and all substreams complete.
   * - **Cancels when** downstream cancels.
   */
  concatSubstreams(): Kind<F, Out> {
    return this.join.merge(this.flow, 1, 'concatSubstreams') as Kind<F, Out>;
  }

  /**
   * Runs every substream into its own materialization of `sink` (whose materialized values are
   * discarded). The result is the parent closed: a RunnableGraph for a Source, a Sink for a Flow.
   */
  to(sink: Graph<SinkShape<Out>, unknown>): ClosedOf<F> {
    if (!sink || sink.module === undefined) throw new TypeError(`SubFlow.to: expected a Sink, got ${describe(sink)}`);
    return this.join.to(this.flow, sink.module) as ClosedOf<F>;
  }

  /** Adds attributes to the flow applied to each substream. */
  withAttributes(attributes: Attributes): SubFlow<Out, F> {
    return new SubFlow<Out, F>((this.flow ?? identityModule).withAttributes(attributes), this.join);
  }

  /** Names the flow applied to each substream. */
  named(name: string): SubFlow<Out, F> {
    return this.withAttributes(Attributes.name(name));
  }

  /** Runs the flow applied to each substream in its own island (behind an async boundary). */
  async(): SubFlow<Out, F> {
    return this.withAttributes(Attributes.asyncBoundary);
  }
}

installSubFlowOps(SubFlow.prototype);
bindClass('SubFlow', SubFlow);
