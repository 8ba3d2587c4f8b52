import { Inlet, Outlet } from './Ports.js';
import { Shape } from './Shape.js';

/** A fan-in junction's ports: `n` inlets of the same type and one outlet (Merge, Concat, ZipN, …). */
export class UniformFanInShape<I, O> extends Shape {
  readonly inlets: readonly Inlet<I>[];
  readonly outlets: readonly [Outlet<O>];
  constructor(
    readonly out: Outlet<O>,
    inlets: readonly Inlet<I>[],
  ) {
    super();
    this.inlets = inlets;
    this.outlets = [out];
  }

  /** Ports named `${name}.in0` … `${name}.in${n - 1}` and `${name}.out`. */
  static named<I, O>(name: string, n: number): UniformFanInShape<I, O> {
    return new UniformFanInShape<I, O>(
      new Outlet<O>(`${name}.out`),
      Array.from({ length: n }, (_, i) => new Inlet<I>(`${name}.in${i}`)),
    );
  }

  /** Number of inlets. */
  get n(): number {
    return this.inlets.length;
  }

  /** The `i`-th inlet. */
  in(i: number): Inlet<I> {
    const p = this.inlets[i];
    if (p === undefined) throw new RangeError(`UniformFanInShape.in(${i}): index out of range, the shape has ${this.inlets.length} inlets`);
    return p;
  }

  /** The same shape with fresh ports of the same names (what `GraphDSL`'s `b.add` hands out). */
  deepCopy(): UniformFanInShape<I, O> {
    return new UniformFanInShape<I, O>(
      new Outlet<O>(this.out.name),
      this.inlets.map((p) => new Inlet<I>(p.name)),
    );
  }
}
