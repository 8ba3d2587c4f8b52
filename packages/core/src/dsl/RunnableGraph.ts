import type { Module } from '../impl/Module.js';
import { Attributes } from '../stage/Attributes.js';
import type { Graph } from '../stage/GraphStage.js';
import { ClosedShape } from '../stage/Shape.js';
import { mapMaterialized } from './compose.js';
import { Materializer } from './Materializer.js';
import { toMermaid } from './Mermaid.js';

/** A closed blueprint: ready to `run()`, any number of times, each run independent. */
export class RunnableGraph<Mat> implements Graph<ClosedShape, Mat> {
  declare readonly _materializedType?: () => Mat;
  readonly shape = ClosedShape.instance;
  constructor(readonly module: Module) {}

  static fromGraph<M>(graph: Graph<ClosedShape, M>): RunnableGraph<M> {
    if (graph instanceof RunnableGraph) return graph;
    if (!graph || !(graph.shape instanceof ClosedShape)) {
      throw new TypeError(
        `RunnableGraph.fromGraph: expected a graph with a ClosedShape (no open ports), got ${graph?.shape?.constructor?.name ?? String(graph)}`,
      );
    }
    return new RunnableGraph<M>(graph.module);
  }

  /** Materializes and starts the graph; returns its materialized value. */
  run(materializer: Materializer = Materializer.default): Mat {
    return materializer.materialize(this);
  }

  mapMaterializedValue<M2>(f: (m: Mat) => M2): RunnableGraph<M2> {
    return new RunnableGraph<M2>(mapMaterialized(this.module, f));
  }

  withAttributes(attributes: Attributes): RunnableGraph<Mat> {
    return new RunnableGraph<Mat>(this.module.withAttributes(attributes));
  }

  named(name: string): RunnableGraph<Mat> {
    return this.withAttributes(Attributes.name(name));
  }

  async(): RunnableGraph<Mat> {
    return this.withAttributes(Attributes.asyncBoundary);
  }

  /** A Mermaid flowchart of this graph (stages and port labels; see `toMermaid`). */
  toMermaid(): string {
    return toMermaid(this);
  }
}
