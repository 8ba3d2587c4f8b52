import { Inlet, Outlet } from './Ports.js';
import { Shape } from './Shape.js';

/** A fan-out junction's ports: one inlet and `n` outlets of the same type (Broadcast, Balance, Partition). */
export class UniformFanOutShape<I, O> extends Shape {
  readonly inlets: readonly [Inlet<I>];
  readonly outlets: readonly Outlet<O>[];
  readonly in: Inlet<I>;
  constructor(inlet: Inlet<I>, outlets: readonly Outlet<O>[]) {
    super();
    this.in = inlet;
    this.inlets = [inlet];
    this.outlets = outlets;
  }

  /** Ports named `${name}.in` and `${name}.out0` … `${name}.out${n - 1}`. */
  static named<I, O>(name: string, n: number): UniformFanOutShape<I, O> {
    return new UniformFanOutShape<I, O>(
      new Inlet<I>(`${name}.in`),
      Array.from({ length: n }, (_, i) => new Outlet<O>(`${name}.out${i}`)),
    );
  }

  /** Number of outlets. */
  get n(): number {
    return this.outlets.length;
  }

  /** The `i`-th outlet. */
  out(i: number): Outlet<O> {
    const p = this.outlets[i];
    if (p === undefined) throw new RangeError(`UniformFanOutShape.out(${i}): index out of range, the shape has ${this.outlets.length} outlets`);
    return p;
  }

  /** The same shape with fresh ports of the same names. */
  deepCopy(): UniformFanOutShape<I, O> {
    return new UniformFanOutShape<I, O>(
      new Inlet<I>(this.in.name),
      this.outlets.map((p) => new Outlet<O>(p.name)),
    );
  }
}
