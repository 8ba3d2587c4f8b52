import { MaterializerImpl, type MaterializerSettings } from '../impl/MaterializerImpl.js';
import { createAsyncBoundary } from '../operators/asyncBoundary.js';
import { Attributes } from '../stage/Attributes.js';
import type { Graph } from '../stage/GraphStage.js';
import type { ClosedShape } from '../stage/Shape.js';

export type { MaterializerSettings };

let defaultInstance: Materializer | null = null;

/**
 * Turns blueprints into running streams. A materializer owns a `Scheduler` (every timer of every stage
 * goes through it) and the set of its running streams; `shutdown()` stops them all (every stage's
 * `postStop` runs, pending result promises reject with `AbruptTerminationException`).
 *
 * `run()`/`runWith()` use `Materializer.default` unless given one.
 */
export class Materializer extends MaterializerImpl {
  constructor(settings: MaterializerSettings = {}) {
    super(settings, createAsyncBoundary, Attributes.none);
  }

  static create(settings: MaterializerSettings = {}): Materializer {
    return new Materializer(settings);
  }

  /** The shared default materializer (real-time scheduler). Recreated if it was shut down. */
  static get default(): Materializer {
    if (defaultInstance === null || defaultInstance.isShutdown) defaultInstance = new Materializer();
    return defaultInstance;
  }

  /** Materializes and starts a closed graph; returns its materialized value. */
  materialize<M>(graph: Graph<ClosedShape, M>): M {
    return this.materializeModule(graph.module) as M;
  }
}
