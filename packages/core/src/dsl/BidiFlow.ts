import { CompositeModule, type Module } from '../impl/Module.js';
import { describe, requireFunction } from '../operators/validate.js';
import { Attributes } from '../stage/Attributes.js';
import { BidiShape } from '../stage/BidiShape.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';
import { FlowShape } from '../stage/Shape.js';
import { besides, mapMaterialized } from './compose.js';
import { Flow } from './Flow.js';
import { Keep } from './Keep.js';
import { toMermaid } from './Mermaid.js';

/**
 * Two flows in opposite directions, packaged as one protocol layer: `I1 → O1` goes "outbound" (say,
 * messages to bytes), `I2 → O2` goes "inbound" (bytes to messages).
 *
 * ```text
 *        +------+
 *  I1 ~> |      | ~> O1
 *        | bidi |
 *  O2 <~ |      | <~ I2
 *        +------+
 * ```
 *
 * Layers stack with `atop` (codec atop framing atop transport), and a stack is closed over a flow
 * with `join` (e.g. the network connection, or a loopback in tests).
 *
 * @example
 * const codec = BidiFlow.fromFunctions((s: string) => Buffer.from(s), (b: Buffer) => b.toString());
 * const echo = codec.join(Flow.create<Buffer>()); // Flow<string, string>
 */
export class BidiFlow<I1, O1, I2, O2, Mat = NotUsed> implements Graph<BidiShape<I1, O1, I2, O2>, Mat> {
  declare readonly _materializedType?: () => Mat;

  /** @internal Use the factories or `BidiFlow.fromGraph`. */
  constructor(
    readonly shape: BidiShape<I1, O1, I2, O2>,
    readonly module: Module,
  ) {}

  /** A BidiFlow from any bidi-shaped graph (a GraphDSL result, a custom stage). */
  static fromGraph<I1, O1, I2, O2, M>(graph: Graph<BidiShape<I1, O1, I2, O2>, M>): BidiFlow<I1, O1, I2, O2, M> {
    if (graph instanceof BidiFlow) return graph as BidiFlow<I1, O1, I2, O2, M>;
    if (!graph || !(graph.shape instanceof BidiShape)) {
      throw new TypeError(`BidiFlow.fromGraph: expected a graph with a BidiShape, got ${graph?.shape?.constructor?.name ?? describe(graph)}`);
    }
    return new BidiFlow<I1, O1, I2, O2, M>(graph.shape, graph.module);
  }

  /** Pairs two independent flows: `outbound` is `I1 → O1`, `inbound` is `I2 → O2`. Keeps neither materialized value. */
  static fromFlows<I1, O1, I2, O2>(outbound: Graph<FlowShape<I1, O1>, unknown>, inbound: Graph<FlowShape<I2, O2>, unknown>): BidiFlow<I1, O1, I2, O2> {
    return BidiFlow.fromFlowsMat(outbound, inbound, Keep.none);
  }

  /** Like `fromFlows`, combining the two flows' materialized values with `combine`. */
  static fromFlowsMat<I1, O1, I2, O2, M1, M2, M>(
    outbound: Graph<FlowShape<I1, O1>, M1>,
    inbound: Graph<FlowShape<I2, O2>, M2>,
    combine: (m1: M1, m2: M2) => M,
  ): BidiFlow<I1, O1, I2, O2, M> {
    for (const [name, g] of [
      ['outbound', outbound],
      ['inbound', inbound],
    ] as const) {
      if (!g || !(g.shape instanceof FlowShape))
        throw new TypeError(`BidiFlow.fromFlows: ${name} must be a Flow (a graph with a FlowShape), got ${describe(g)}`);
    }
    requireFunction('BidiFlow.fromFlowsMat', 'combine', combine);
    const shape = new BidiShape<I1, O1, I2, O2>(outbound.shape.in, outbound.shape.out, inbound.shape.in, inbound.shape.out);
    return new BidiFlow<I1, O1, I2, O2, M>(shape, besides(outbound.module, inbound.module, combine));
  }

  /** A stateless layer from two functions: `outbound` maps `I1 → O1`, `inbound` maps `I2 → O2`. */
  static fromFunctions<I1, O1, I2, O2>(outbound: (x: I1) => O1, inbound: (x: I2) => O2): BidiFlow<I1, O1, I2, O2> {
    return BidiFlow.fromFlows(Flow.fromFunction(outbound), Flow.fromFunction(inbound));
  }

  /** The layer that changes nothing in either direction. */
  static identity<A, B>(): BidiFlow<A, A, B, B> {
    return BidiFlow.fromFlows(Flow.create<A>(), Flow.create<B>());
  }

  /**
   * Stacks `bidi` below this layer: this layer's outbound output feeds `bidi`'s outbound input, and
   * `bidi`'s inbound output feeds this layer's inbound input. Keeps this layer's materialized value.
   *
   * ```text
   *  I1 ~> this ~> bidi ~> O1'
   *  O2 <~ this <~ bidi <~ I2'
   * ```
   */
  atop<O12, I22>(bidi: Graph<BidiShape<O1, O12, I22, I2>, unknown>): BidiFlow<I1, O12, I22, O2, Mat> {
    return this.atopMat(bidi, Keep.left);
  }

  /** Like `atop`, combining both materialized values with `combine`. */
  atopMat<O12, I22, M2, M>(bidi: Graph<BidiShape<O1, O12, I22, I2>, M2>, combine: (m1: Mat, m2: M2) => M): BidiFlow<I1, O12, I22, O2, M> {
    if (!bidi || !(bidi.shape instanceof BidiShape)) throw new TypeError(`BidiFlow.atop: expected a graph with a BidiShape, got ${describe(bidi)}`);
    const module = new CompositeModule(
      [this.module, bidi.module],
      // this.out1 → bidi.in1, bidi.out2 → this.in2
      [0, 0, 1, 0, 1, 1, 0, 1],
      [0, 0, 1, 1],
      [1, 0, 0, 1],
      (vs) => combine(vs[0] as Mat, vs[1] as M2),
      null,
    );
    return new BidiFlow<I1, O12, I22, O2, M>(new BidiShape(this.shape.in1, bidi.shape.out1, bidi.shape.in2, this.shape.out2), module);
  }

  /**
   * Closes the bottom of this layer with `flow`: the outbound output goes through `flow` and comes back
   * as the inbound input. The result is a `Flow<I1, O2>`. Keeps this layer's materialized value.
   *
   * ```text
   *  I1 ~> this ~> flow
   *  O2 <~ this <~ flow
   * ```
   */
  join(flow: Graph<FlowShape<O1, I2>, unknown>): Flow<I1, O2, Mat> {
    return this.joinMat(flow, Keep.left);
  }

  /** Like `join`, combining both materialized values with `combine`. */
  joinMat<M2, M>(flow: Graph<FlowShape<O1, I2>, M2>, combine: (m1: Mat, m2: M2) => M): Flow<I1, O2, M> {
    if (!flow || !(flow.shape instanceof FlowShape)) throw new TypeError(`BidiFlow.join: expected a Flow (a graph with a FlowShape), got ${describe(flow)}`);
    const module = new CompositeModule(
      [this.module, flow.module],
      // this.out1 → flow.in, flow.out → this.in2
      [0, 0, 1, 0, 1, 0, 0, 1],
      [0, 0],
      [0, 1],
      (vs) => combine(vs[0] as Mat, vs[1] as M2),
      null,
    );
    return new Flow<I1, O2, M>(new FlowShape(this.shape.in1, this.shape.out2), module);
  }

  /** The same layer turned around: `I2 → O2` becomes the first (outbound) direction. */
  reversed(): BidiFlow<I2, O2, I1, O1, Mat> {
    const module = new CompositeModule([this.module], [], [0, 1, 0, 0], [0, 1, 0, 0], (vs) => vs[0], null);
    return new BidiFlow<I2, O2, I1, O1, Mat>(this.shape.reversed(), module);
  }

  mapMaterializedValue<M2>(f: (m: Mat) => M2): BidiFlow<I1, O1, I2, O2, M2> {
    return new BidiFlow<I1, O1, I2, O2, M2>(this.shape, mapMaterialized(this.module, f));
  }

  withAttributes(attributes: Attributes): BidiFlow<I1, O1, I2, O2, Mat> {
    return new BidiFlow<I1, O1, I2, O2, Mat>(this.shape, this.module.withAttributes(attributes));
  }

  named(name: string): BidiFlow<I1, O1, I2, O2, Mat> {
    return this.withAttributes(Attributes.name(name));
  }

  async(): BidiFlow<I1, O1, I2, O2, Mat> {
    return this.withAttributes(Attributes.asyncBoundary);
  }

  /** A Mermaid flowchart of this layer (see `toMermaid`). */
  toMermaid(): string {
    return toMermaid(this);
  }
}
