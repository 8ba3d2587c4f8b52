/**
 * Blueprints. A graph's `module` is an immutable tree that the materializer walks once per run:
 *
 * - `AtomicModule`: one stage.
 * - `LinearModule`: children wired in a line (child i's outlet 0 → child i+1's inlet 0), with the
 *   materialized value folded left through `combiners`. `via`/`to` on an attribute-free linear module
 *   append to a copy of its child list instead of nesting, so long chains stay flat.
 * - `CompositeModule`: any graph (GraphDSL, fan-in/fan-out operators): children, edges and the
 *   mapping of the composite's own ports to children's ports.
 *
 * Ports are referred to by (child index, port index) rather than by port object, so the same
 * blueprint may appear any number of times in a graph and every materialization is independent.
 */
import type { InterpreterLogic } from './GraphInterpreter.js';

export interface AttributesLike {
  and(other: AttributesLike): AttributesLike;
  readonly isAsyncBoundary: boolean;
  readonly isEmpty: boolean;
  readonly inputBuffer: { readonly max: number };
  readonly hasInputBuffer: boolean;
}

export interface MaterializingLogic extends InterpreterLogic {
  readonly attributes: AttributesLike;
}

/** What the materializer needs of a stage. */
export interface AtomicStageLike {
  readonly shape: { readonly inlets: readonly unknown[]; readonly outlets: readonly unknown[] };
  _materialize(attributes: AttributesLike, materializer: unknown): [MaterializingLogic, unknown];
}

export type Combiner = (left: unknown, right: unknown) => unknown;

export type Module = AtomicModule | LinearModule | CompositeModule;

export class AtomicModule {
  readonly kind = 'atomic' as const;
  readonly inCount: number;
  readonly outCount: number;
  constructor(
    readonly stage: AtomicStageLike,
    readonly attributes: AttributesLike | null,
  ) {
    this.inCount = stage.shape.inlets.length;
    this.outCount = stage.shape.outlets.length;
  }
  withAttributes(attributes: AttributesLike): AtomicModule {
    return new AtomicModule(this.stage, this.attributes === null ? attributes : this.attributes.and(attributes));
  }
}

export class LinearModule {
  readonly kind = 'linear' as const;
  readonly inCount: number;
  readonly outCount: number;
  constructor(
    readonly children: readonly Module[],
    /** combiners[i] folds child i's value into the running value; null keeps the left one. combiners[0] is unused. */
    readonly combiners: readonly (Combiner | null)[],
    readonly attributes: AttributesLike | null,
  ) {
    this.inCount = children[0]!.inCount;
    this.outCount = children[children.length - 1]!.outCount;
  }
  withAttributes(attributes: AttributesLike): LinearModule {
    return new LinearModule(this.children, this.combiners, this.attributes === null ? attributes : this.attributes.and(attributes));
  }
}

export class CompositeModule {
  readonly kind = 'composite' as const;
  constructor(
    readonly children: readonly Module[],
    /** Flat quadruples: (outChild, outPort, inChild, inPort). */
    readonly edges: readonly number[],
    /** Flat pairs (child, port) for each of the composite's inlets, in shape order. */
    readonly inlets: readonly number[],
    /** Flat pairs (child, port) for each of the composite's outlets, in shape order. */
    readonly outlets: readonly number[],
    readonly combine: (childValues: unknown[]) => unknown,
    readonly attributes: AttributesLike | null,
  ) {}
  get inCount(): number {
    return this.inlets.length / 2;
  }
  get outCount(): number {
    return this.outlets.length / 2;
  }
  withAttributes(attributes: AttributesLike): CompositeModule {
    return new CompositeModule(
      this.children,
      this.edges,
      this.inlets,
      this.outlets,
      this.combine,
      this.attributes === null ? attributes : this.attributes.and(attributes),
    );
  }
}

/** `a` followed by `b` (a's outlet 0 → b's inlet 0), flattening attribute-free linear modules. */
export function linear(a: Module, b: Module, combine: Combiner | null): LinearModule {
  if (a.kind === 'linear' && a.attributes === null) {
    return new LinearModule([...a.children, b], [...a.combiners, combine], null);
  }
  return new LinearModule([a, b], [null, combine], null);
}

export function withAttributes(m: Module, attributes: AttributesLike): Module {
  return m.withAttributes(attributes);
}
