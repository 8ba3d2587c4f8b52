/**
 * GraphDSL: building non-linear graphs — fan-in, fan-out, cycles — from existing graphs and junctions.
 *
 * ```ts
 * const g = GraphDSL.create((b) => {
 *   const bcast = b.add(Broadcast.create<number>(2));
 *   const merge = b.add(Merge.create<number>(2));
 *   b.from(Source.range(1, 3)).viaFanOut(bcast).via(Flow.fromFunction((x: number) => x * 10)).viaFanIn(merge).to(Sink.foreach(console.log));
 *   b.from(bcast).viaFanIn(merge);   // bcast's next free outlet → merge's next free inlet
 *   return ClosedShape.instance;
 * });
 * RunnableGraph.fromGraph(g).run();
 * ```
 *
 * ## How it works
 *
 * `b.add(graph)` makes the graph a child of the graph under construction and returns a *copy* of its
 * shape with fresh ports (so the same graph may be added any number of times). The builder remembers,
 * for each port it handed out, which child and which port index it stands for. Wiring (`from(…).to(…)`,
 * `via`, `viaFanOut`, `viaFanIn`) records edges between those (child, port) pairs. When the build
 * function returns a shape, the result is a `CompositeModule`: children, edges, and the returned
 * shape's ports mapped to children's ports — exactly what the materializer walks. No port object
 * survives into the blueprint; wiring is by index.
 *
 * ## Checked at build time
 *
 * Every port must end up either connected exactly once or exposed in the returned shape; a port of a
 * graph that was not added to this builder cannot be wired. Violations throw `IllegalGraphError`
 * naming the port (and the stage it belongs to).
 *
 * ## Materialized values
 *
 * `GraphDSL.create(build)` materializes `NotUsed`: graphs added with `b.add` keep theirs to themselves.
 * To combine materialized values, *import* graphs: `GraphDSL.create(g, (b, shape) => …)` keeps `g`'s
 * value; `GraphDSL.createWith([g1, g2], combine, (b, s1, s2) => …)` combines several. Imported graphs
 * are added for you; the build function receives their (copied) shapes. `b.materializedValue` is an
 * outlet that emits the graph's materialized value once.
 */
import { CompositeModule, type Module } from '../impl/Module.js';
import { type MaterializedValueCell, MaterializedValueSource } from '../operators/materializedValue.js';
import { describe, requireFunction } from '../operators/validate.js';
import { Attributes } from '../stage/Attributes.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';
import { Inlet, Outlet } from '../stage/Ports.js';
import { ClosedShape, FlowShape, Shape, SinkShape, SourceShape } from '../stage/Shape.js';
import { UniformFanInShape } from '../stage/UniformFanInShape.js';
import { UniformFanOutShape } from '../stage/UniformFanOutShape.js';
import { mapMaterialized } from './compose.js';
import { toMermaid } from './Mermaid.js';

/** A graph was wired incorrectly: a port left open, connected twice, or not part of the graph. */
export class IllegalGraphError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IllegalGraphError';
  }
}

/** The materialized value type of a graph. */
export type MatOf<G> = G extends Graph<Shape, infer M> ? M : never;
/** The shape type of a graph. */
export type ShapeOf<G> = G extends Graph<infer S, unknown> ? S : never;

/**
 * The result of `GraphDSL.create`: a blueprint with any shape. Turn it into a `Source`, `Flow`, `Sink`,
 * `BidiFlow` or `RunnableGraph` with their `fromGraph`, or add it to another GraphDSL graph.
 */
export class GraphBlueprint<S extends Shape, M> implements Graph<S, M> {
  declare readonly _materializedType?: () => M;
  constructor(
    readonly shape: S,
    readonly module: Module,
  ) {}

  /** Same graph, materialized value transformed by `f`. */
  mapMaterializedValue<M2>(f: (m: M) => M2): GraphBlueprint<S, M2> {
    return new GraphBlueprint<S, M2>(this.shape, mapMaterialized(this.module, f));
  }

  withAttributes(attributes: Attributes): GraphBlueprint<S, M> {
    return new GraphBlueprint<S, M>(this.shape, this.module.withAttributes(attributes));
  }

  named(name: string): GraphBlueprint<S, M> {
    return this.withAttributes(Attributes.name(name));
  }

  async(): GraphBlueprint<S, M> {
    return this.withAttributes(Attributes.asyncBoundary);
  }

  /** A Mermaid flowchart of this graph (stages and port labels). */
  toMermaid(): string {
    return toMermaid(this);
  }
}

/** A copy of `shape` with fresh ports (Akka's `deepCopy`). Custom shapes provide `deepCopy()`. */
export function copyShape<S extends Shape>(shape: S): S {
  const copy = copyAnyShape(shape);
  if (copy.inlets.length !== shape.inlets.length || copy.outlets.length !== shape.outlets.length) {
    throw new IllegalGraphError(`GraphDSL: ${shape.constructor.name}.deepCopy() returned a shape with different ports`);
  }
  return copy as S;
}

function copyAnyShape(shape: Shape): Shape {
  const deep = (shape as { deepCopy?: unknown }).deepCopy;
  if (typeof deep === 'function') return (deep as () => Shape).call(shape);
  if (shape instanceof ClosedShape) return shape;
  if (shape instanceof SourceShape) return new SourceShape(new Outlet(shape.out.name));
  if (shape instanceof FlowShape) return new FlowShape(new Inlet(shape.in.name), new Outlet(shape.out.name));
  if (shape instanceof SinkShape) return new SinkShape(new Inlet(shape.in.name));
  throw new TypeError(
    `GraphDSL: cannot add a graph with the custom shape ${shape?.constructor?.name ?? describe(shape)}: give the shape a deepCopy() method returning the same shape with fresh ports`,
  );
}

function isGraph(x: unknown): x is Graph<Shape, unknown> {
  return typeof x === 'object' && x !== null && (x as { shape?: unknown }).shape instanceof Shape && (x as { module?: unknown }).module !== undefined;
}

/** A short human name for an added graph, used in error messages: `map`, `range → map`, `graph`. */
function moduleLabel(m: Module): string {
  const own = (m.attributes as Attributes | null)?.name;
  if (own !== undefined) return own;
  if (m.kind === 'atomic') return (m.stage as { defaultName?: string }).defaultName ?? m.stage.constructor.name;
  if (m.kind === 'linear') return m.children.map(moduleLabel).join(' → ');
  return m.children.length === 1 ? moduleLabel(m.children[0]!) : 'graph';
}

/** The name of the stage port behind port `index` of a module (shapes of composed graphs may carry other names). */
function stagePortName(m: Module, inlet: boolean, index: number): string | undefined {
  switch (m.kind) {
    case 'atomic': {
      const ports = (m.stage.shape as { inlets: readonly { name?: string }[]; outlets: readonly { name?: string }[] })[inlet ? 'inlets' : 'outlets'];
      return ports[index]?.name;
    }
    case 'linear':
      return stagePortName(m.children[inlet ? 0 : m.children.length - 1]!, inlet, index);
    case 'composite': {
      const pairs = inlet ? m.inlets : m.outlets;
      const child = m.children[pairs[2 * index]!];
      return child === undefined ? undefined : stagePortName(child, inlet, pairs[2 * index + 1]!);
    }
  }
}

interface PortInfo {
  readonly child: number;
  readonly index: number;
  readonly port: Inlet<any> | Outlet<any>;
  connected: boolean;
}

/**
 * The builder handed to a GraphDSL build function. Graphs join with `add`; ports are wired with
 * `from(…)` chains. Use it only inside the build function.
 */
export class GraphDSLBuilder<M> {
  private readonly children: Module[] = [];
  private readonly labels: string[] = [];
  private readonly ports = new Map<Inlet<any> | Outlet<any>, PortInfo>();
  private readonly edges: number[] = [];
  private readonly matCells: number[] = [];
  /** @internal */ _done = false;

  /** @internal */
  constructor() {}

  /**
   * Adds `graph` as a part of this graph and returns a copy of its shape with fresh ports: wire those.
   * Adding the same graph twice adds two independent copies.
   */
  add<S extends Shape>(graph: Graph<S, unknown>): S {
    this.checkOpen('add');
    if (!isGraph(graph))
      throw new TypeError(`GraphDSL: b.add expects a graph (a Source, Flow, Sink, junction, GraphDSL graph or GraphStage), got ${describe(graph)}`);
    const shape = copyShape(graph.shape);
    const child = this.children.length;
    this.children.push(graph.module);
    this.labels.push(moduleLabel(graph.module));
    shape.inlets.forEach((port, index) => this.register(port, child, index));
    shape.outlets.forEach((port, index) => this.register(port, child, index));
    return shape;
  }

  private register(port: Inlet<any> | Outlet<any>, child: number, index: number): void {
    if (this.ports.has(port)) throw new IllegalGraphError(`GraphDSL: the shape returned a port twice (${port.name})`);
    this.ports.set(port, { child, index, port, connected: false });
  }

  /**
   * An outlet that emits this graph's materialized value once and completes. Each access adds a new
   * such source.
   */
  get materializedValue(): Outlet<M> {
    this.checkOpen('materializedValue');
    const child = this.children.length;
    const source = new MaterializedValueSource<M>();
    const shape = this.add(source);
    this.matCells.push(child);
    return shape.out;
  }

  /**
   * Starts a wiring chain at an outlet: an `Outlet`, a shape with one `out` (Source/Flow/fan-in shapes),
   * the next free outlet of a fan-out junction, or a Source graph (which is added).
   */
  from<T>(source: Graph<SourceShape<T>, unknown>): PortOps<T>;
  from<T>(fanOut: UniformFanOutShape<any, T>): PortOps<T>;
  from<T>(shape: { readonly out: Outlet<T> }): PortOps<T>;
  from<T>(outlet: Outlet<T>): PortOps<T>;
  from(x: unknown): PortOps<unknown> {
    return new PortOps<unknown>(this, this.outletOf(x, 'from'));
  }

  /** Connects `out` to `inlet` directly (what a `from(out).to(inlet)` chain does). */
  connect<T>(out: Outlet<T>, inlet: Inlet<T>): void {
    this.checkOpen('connect');
    const o = this.infoOf(out, 'outlet');
    const i = this.infoOf(inlet, 'inlet');
    if (o.connected) throw new IllegalGraphError(`GraphDSL: outlet ${this.describePort(o)} is already connected`);
    if (i.connected) throw new IllegalGraphError(`GraphDSL: inlet ${this.describePort(i)} is already connected`);
    o.connected = true;
    i.connected = true;
    this.edges.push(o.child, o.index, i.child, i.index);
  }

  /** @internal Resolves anything `from` accepts to an outlet of this graph. */
  outletOf(x: unknown, op: string): Outlet<unknown> {
    this.checkOpen(op);
    if (x instanceof Outlet) return x;
    if (x instanceof UniformFanOutShape)
      return this.nextFree(x.outlets, `${op}: every outlet of ${this.ownerOf(x.in)} is already connected`) as Outlet<unknown>;
    if (isGraph(x)) {
      if (!(x.shape instanceof SourceShape)) throw new TypeError(`GraphDSL: ${op} expects a Source graph here, got a graph with ${x.shape.constructor.name}`);
      return (this.add(x) as SourceShape<unknown>).out;
    }
    const out = (x as { out?: unknown } | null)?.out;
    if (out instanceof Outlet) return out;
    throw new TypeError(`GraphDSL: ${op} expects an outlet, a shape with an outlet or a Source graph, got ${describe(x)}`);
  }

  /** @internal Resolves anything `to` accepts to an inlet of this graph. */
  inletOf(x: unknown, op: string): Inlet<unknown> {
    this.checkOpen(op);
    if (x instanceof Inlet) return x;
    if (x instanceof UniformFanInShape) return this.nextFree(x.inlets, `${op}: every inlet of ${this.ownerOf(x.out)} is already connected`) as Inlet<unknown>;
    if (isGraph(x)) {
      if (!(x.shape instanceof SinkShape)) throw new TypeError(`GraphDSL: ${op} expects a Sink graph here, got a graph with ${x.shape.constructor.name}`);
      return (this.add(x) as SinkShape<unknown>).in;
    }
    const inlet = (x as { in?: unknown } | null)?.in;
    if (inlet instanceof Inlet) return inlet;
    throw new TypeError(`GraphDSL: ${op} expects an inlet, a shape with an inlet or a Sink graph, got ${describe(x)}`);
  }

  private nextFree(ports: readonly (Inlet<any> | Outlet<any>)[], message: string): Inlet<any> | Outlet<any> {
    for (const p of ports) {
      const info = this.infoOf(p, p instanceof Inlet ? 'inlet' : 'outlet');
      if (!info.connected) return p;
    }
    throw new IllegalGraphError(`GraphDSL: ${message}`);
  }

  private ownerOf(port: Inlet<any> | Outlet<any>): string {
    const info = this.ports.get(port);
    return info === undefined ? port.name.split('.')[0]! : `${this.labels[info.child]} (part #${info.child + 1})`;
  }

  private infoOf(port: Inlet<any> | Outlet<any>, kind: string): PortInfo {
    const info = this.ports.get(port);
    if (info === undefined) {
      throw new IllegalGraphError(
        `GraphDSL: ${kind} ${port.name} is not part of this graph: wire the ports of the shape that b.add returned (or that the build function received), not the original graph's`,
      );
    }
    return info;
  }

  private describePort(info: PortInfo): string {
    const name = stagePortName(this.children[info.child]!, info.port instanceof Inlet, info.index) ?? info.port.name;
    return `${name} of ${this.labels[info.child]} (part #${info.child + 1})`;
  }

  private checkOpen(op: string): void {
    if (this._done) throw new IllegalGraphError(`GraphDSL: the builder was used (${op}) after its build function returned`);
  }

  /** @internal Turns the wiring into a blueprint with `shape`'s ports as the open ports. */
  _build<S extends Shape>(shape: S, imported: number, combine: (mats: unknown[]) => M): GraphBlueprint<S, M> {
    this._done = true;
    if (!(shape instanceof Shape)) {
      throw new TypeError(
        `GraphDSL: the build function must return a Shape (ClosedShape.instance, a SourceShape, FlowShape, SinkShape, BidiShape or custom shape), got ${describe(shape)}`,
      );
    }
    const exposed = new Set<Inlet<any> | Outlet<any>>();
    const expose = (ports: readonly (Inlet<any> | Outlet<any>)[], kind: 'inlet' | 'outlet', pairs: number[]): void => {
      for (const p of ports) {
        if (kind === 'inlet' ? !(p instanceof Inlet) : !(p instanceof Outlet)) {
          throw new IllegalGraphError(`GraphDSL: the returned ${shape.constructor.name} lists ${describe(p)} among its ${kind}s`);
        }
        const info = this.infoOf(p, kind);
        if (info.connected)
          throw new IllegalGraphError(
            `GraphDSL: the returned ${shape.constructor.name} exposes ${kind} ${this.describePort(info)}, which is already connected inside the graph`,
          );
        if (exposed.has(p)) throw new IllegalGraphError(`GraphDSL: the returned ${shape.constructor.name} exposes ${kind} ${this.describePort(info)} twice`);
        exposed.add(p);
        pairs.push(info.child, info.index);
      }
    };
    const inlets: number[] = [];
    const outlets: number[] = [];
    expose(shape.inlets, 'inlet', inlets);
    expose(shape.outlets, 'outlet', outlets);
    const open: string[] = [];
    let openOutlets = false;
    let openInlets = false;
    for (const info of this.ports.values()) {
      if (!info.connected && !exposed.has(info.port)) {
        const inlet = info.port instanceof Inlet;
        if (inlet) openInlets = true;
        else openOutlets = true;
        open.push(`${inlet ? 'inlet' : 'outlet'} ${this.describePort(info)}`);
      }
    }
    if (open.length > 0) {
      const fixes = [
        ...(openOutlets ? ['connect each outlet to an inlet (b.from(outlet).to(Sink.ignore()) drains one whose elements you do not need)'] : []),
        ...(openInlets ? ['feed each inlet from an outlet (b.from(Source.empty()).to(inlet) for one that needs no elements)'] : []),
        `or return a shape that exposes ${open.length === 1 ? 'it' : 'them'}`,
      ];
      throw new IllegalGraphError(
        `GraphDSL: ${open.length === 1 ? 'a port is' : `${open.length} ports are`} neither connected nor part of the returned ${shape.constructor.name}: ${open.join(', ')}; ${fixes.join(', ')}`,
      );
    }
    const cells = this.matCells;
    const combineAll = (values: unknown[]): unknown => {
      const m = combine(values.slice(0, imported));
      for (const i of cells) (values[i] as MaterializedValueCell<M>).value = m;
      return m;
    };
    return new GraphBlueprint<S, M>(shape, new CompositeModule(this.children, this.edges, inlets, outlets, combineAll, null));
  }
}

/**
 * One step of a wiring chain: the outlet reached so far. Each method connects it onwards and returns
 * the step for the outlet that follows (or ends the chain, for `to`).
 */
export class PortOps<T> {
  /** @internal */
  constructor(
    private readonly b: GraphDSLBuilder<any>,
    /** The outlet the chain has reached. */
    readonly outlet: Outlet<T>,
  ) {}

  /** Through a flow (a Flow graph, which is added, or a FlowShape already in this graph). */
  via<U>(flow: Graph<FlowShape<T, U>, unknown>): PortOps<U>;
  via<U>(shape: FlowShape<T, U>): PortOps<U>;
  via(x: unknown): PortOps<unknown> {
    let shape: FlowShape<unknown, unknown>;
    if (isGraph(x)) {
      if (!(x.shape instanceof FlowShape)) throw new TypeError(`GraphDSL: via expects a Flow graph, got a graph with ${x.shape.constructor.name}`);
      shape = this.b.add(x as Graph<FlowShape<unknown, unknown>, unknown>);
    } else if (x instanceof FlowShape) {
      shape = x;
    } else {
      throw new TypeError(`GraphDSL: via expects a Flow graph or a FlowShape, got ${describe(x)}`);
    }
    this.b.connect(this.outlet as Outlet<unknown>, shape.in);
    return new PortOps(this.b, shape.out);
  }

  /** Into a fan-out junction's inlet; continues from its next free outlet. */
  viaFanOut<U>(junction: UniformFanOutShape<T, U>): PortOps<U> {
    if (!(junction instanceof UniformFanOutShape))
      throw new TypeError(`GraphDSL: viaFanOut expects a UniformFanOutShape (Broadcast, Balance, Partition, …), got ${describe(junction)}`);
    this.b.connect(this.outlet, junction.in);
    return new PortOps(this.b, this.b.outletOf(junction, 'viaFanOut') as Outlet<U>);
  }

  /** Into a fan-in junction's next free inlet; continues from its outlet. */
  viaFanIn<U>(junction: UniformFanInShape<T, U>): PortOps<U> {
    if (!(junction instanceof UniformFanInShape))
      throw new TypeError(`GraphDSL: viaFanIn expects a UniformFanInShape (Merge, Concat, ZipN, …), got ${describe(junction)}`);
    this.b.connect(this.outlet, this.b.inletOf(junction, 'viaFanIn') as Inlet<T>);
    return new PortOps(this.b, junction.out);
  }

  /**
   * Ends the chain: into an `Inlet`, a shape with one `in` (Sink/Flow/fan-out shapes), the next free
   * inlet of a fan-in junction, or a Sink graph (which is added).
   */
  to(sink: Graph<SinkShape<T>, unknown>): void;
  to(fanIn: UniformFanInShape<T, any>): void;
  to(shape: { readonly in: Inlet<T> }): void;
  to(inlet: Inlet<T>): void;
  to(x: unknown): void {
    this.b.connect(this.outlet as Outlet<unknown>, this.b.inletOf(x, 'to'));
  }
}

type Mats<Gs extends readonly unknown[]> = { [K in keyof Gs]: MatOf<Gs[K]> };
type Shapes<Gs extends readonly unknown[]> = { [K in keyof Gs]: ShapeOf<Gs[K]> };

export const GraphDSL = {
  /**
   * Builds a graph. Without graphs to import, the result materializes `NotUsed`; with one imported
   * graph `g`, the result materializes `g`'s value and the build function receives `g`'s shape.
   */
  create: createGraph as {
    <S extends Shape>(build: (b: GraphDSLBuilder<NotUsed>) => S): GraphBlueprint<S, NotUsed>;
    <G extends Graph<Shape, unknown>, S extends Shape>(graph: G, build: (b: GraphDSLBuilder<MatOf<G>>, shape: ShapeOf<G>) => S): GraphBlueprint<S, MatOf<G>>;
  },

  /**
   * Builds a graph from imported graphs whose materialized values `combine` turns into the result's.
   * The build function receives the imported graphs' shapes, in order.
   *
   * @example
   * const g = GraphDSL.createWith([Sink.seq<number>(), Sink.fold(0, (a, x: number) => a + x)], (all, sum) => ({ all, sum }), (b, seqIn, sumIn) => {
   *   const bcast = b.add(Broadcast.create<number>(2));
   *   b.from(bcast).to(seqIn);
   *   b.from(bcast).to(sumIn);
   *   return new SinkShape(bcast.in);
   * });
   */
  createWith<const Gs extends readonly Graph<Shape, unknown>[], M, S extends Shape>(
    graphs: Gs,
    combine: (...mats: Mats<Gs>) => M,
    build: (b: GraphDSLBuilder<M>, ...shapes: Shapes<Gs>) => S,
  ): GraphBlueprint<S, M> {
    if (!Array.isArray(graphs)) throw new TypeError(`GraphDSL.createWith: graphs must be an array of graphs, got ${describe(graphs)}`);
    requireFunction('GraphDSL.createWith', 'combine', combine);
    requireFunction('GraphDSL.createWith', 'build', build);
    const b = new GraphDSLBuilder<M>();
    const shapes = graphs.map((g, i) => {
      if (!isGraph(g)) throw new TypeError(`GraphDSL.createWith: graphs[${i}] is not a graph, got ${describe(g)}`);
      return b.add(g);
    });
    const shape = (build as (b: GraphDSLBuilder<M>, ...s: Shape[]) => S)(b, ...shapes);
    return b._build(shape, graphs.length, (mats) => (combine as (...m: unknown[]) => M)(...mats));
  },
};

function createGraph(...args: unknown[]): GraphBlueprint<Shape, unknown> {
  if (args.length === 1) {
    const build = args[0];
    requireFunction('GraphDSL.create', 'build', build);
    const b = new GraphDSLBuilder<NotUsed>();
    return b._build((build as (b: GraphDSLBuilder<NotUsed>) => Shape)(b), 0, () => undefined);
  }
  const [graph, build] = args;
  return GraphDSL.createWith([graph as Graph<Shape, unknown>], (m: unknown) => m, build as (b: GraphDSLBuilder<unknown>, s: Shape) => Shape);
}
