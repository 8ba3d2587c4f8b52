/**
 * Shared by the lazy operators (Source.lazySource/lazyPromiseSource, Flow.lazyFlow/lazyPromiseFlow,
 * Sink.lazySink/lazyPromiseSink): the materialized promise of the inner graph's value, calling the
 * user's factory (`LazyCreation`), and the check of what it returned.
 *
 * The promise settles exactly once: with the inner graph's materialized value; with the factory's own
 * error if it threw or its promise rejected (the stream fails with that same error); or with
 * `NeverMaterializedException` if the stream ended before the inner graph was materialized.
 */

import type { Graph } from '../stage/GraphStage.js';
import type { AsyncCallback, GraphStageLogic } from '../stage/GraphStageLogic.js';
import type { Shape } from '../stage/Shape.js';
import { isThenable } from './mapAsyncInternals.js';
import { NeverMaterializedException } from './NeverMaterializedException.js';
import { type Deferred, deferred } from './SinkStage.js';
import { describe } from './validate.js';

export class LazyMaterialization<M> {
  private readonly result: Deferred<M> = deferred<M>();
  private settled = false;

  get promise(): Promise<M> {
    return this.result.promise;
  }

  materialized(m: M): void {
    if (this.settled) return;
    this.settled = true;
    this.result.resolve(m);
  }

  failed(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.result.reject(error);
  }

  /** The stream ended before the inner graph was materialized (`cause`: the failure, if it failed). */
  never(stageName: string, what: string, cause?: unknown): void {
    if (this.settled) return;
    const message = `${stageName}: the stream ended before the ${what} was materialized`;
    this.failed(new NeverMaterializedException(message, cause === undefined ? undefined : { cause }));
  }
}

/**
 * Checks what a factory returned: a graph of the expected shape, or (for the promise variants) a
 * thenable of one. Returns the graph, or the thenable to wait for.
 */
export function checkCreated<S extends Shape>(
  op: string,
  created: unknown,
  shape: abstract new (...args: any[]) => S,
  kind: string,
  promiseAllowed: boolean,
): Graph<S, unknown> | PromiseLike<unknown> {
  if (promiseAllowed) {
    if (isThenable(created)) return created;
    throw new TypeError(`${op}: create must return a promise of a ${kind}, got ${describe(created)}`);
  }
  return checkGraph(op, created, shape, kind, 'create must return');
}

/** Checks the graph a factory produced (directly or through its promise). */
export function checkGraph<S extends Shape>(op: string, g: unknown, shape: abstract new (...args: any[]) => S, kind: string, what: string): Graph<S, unknown> {
  const graph = g as Graph<Shape, unknown> | null | undefined;
  if (graph === null || typeof graph !== 'object' || !(graph.shape instanceof shape) || graph.module === undefined) {
    throw new TypeError(`${op}: ${what} a ${kind} (a graph with a ${shape.name}), got ${graph?.shape?.constructor?.name ?? describe(g)}`);
  }
  return graph as Graph<S, unknown>;
}

type Created = { readonly ok: true; readonly graph: unknown } | { readonly ok: false; readonly error: unknown };

/**
 * Calls a lazy operator's factory and hands the checked graph to `materialize` — at once, or (promise
 * variants) once the promise resolved, inside the stage's island — or the error to `failed`: the
 * factory threw, returned the wrong thing, or its promise rejected or resolved to the wrong thing.
 */
export class LazyCreation<G> {
  private readonly onCreated: AsyncCallback<Created>;

  constructor(
    private readonly logic: GraphStageLogic,
    private readonly shape: abstract new (...args: any[]) => Shape,
    private readonly kind: string,
    private readonly materialize: (graph: G) => void,
    private readonly failed: (error: unknown) => void,
  ) {
    this.onCreated = logic.getAsyncCallback((r: Created) => {
      if (!r.ok) return failed(r.error);
      let graph: G;
      try {
        graph = checkGraph(logic.stageName, r.graph, shape, kind, "create's promise must resolve to") as G;
      } catch (e) {
        return failed(e);
      }
      materialize(graph);
    });
  }

  /** Calls `create`. Returns whether its promise is pending (only for the promise variants). */
  start(create: () => unknown, promised: boolean): boolean {
    let created: Graph<Shape, unknown> | PromiseLike<unknown>;
    try {
      created = checkCreated(this.logic.stageName, create(), this.shape, this.kind, promised);
    } catch (e) {
      this.failed(e);
      return false;
    }
    if (!promised) {
      this.materialize(created as G);
      return false;
    }
    (created as PromiseLike<unknown>).then(
      (graph) => this.onCreated.invoke({ ok: true, graph }),
      (error: unknown) => this.onCreated.invoke({ ok: false, error }),
    );
    return true;
  }
}
