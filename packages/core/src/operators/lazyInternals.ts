/**
 * Shared by the lazy operators (Source.lazySource/lazyPromiseSource, Flow.lazyFlow/lazyPromiseFlow,
 * Sink.lazySink/lazyPromiseSink): the materialized promise of the inner graph's value, and the check
 * of what the user's factory returned.
 *
 * The promise settles exactly once: with the inner graph's materialized value; with the factory's own
 * error if it threw or its promise rejected (the stream fails with that same error); or with
 * `NeverMaterializedException` if the stream ended before the inner graph was materialized.
 */
import { isThenable } from './mapAsyncInternals.js';
import { NeverMaterializedException } from './NeverMaterializedException.js';
import { type Deferred, deferred } from './SinkStage.js';
import { describe } from './validate.js';
import type { Graph } from '../stage/GraphStage.js';
import type { Shape } from '../stage/Shape.js';

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
