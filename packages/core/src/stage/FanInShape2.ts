import { Inlet, Outlet } from './Ports.js';
import { Shape } from './Shape.js';

/** Two inlets of possibly different types and one outlet (Zip, ZipWith, ZipLatest, MergeSorted, …). */
export class FanInShape2<I0, I1, O> extends Shape {
  readonly inlets: readonly [Inlet<I0>, Inlet<I1>];
  readonly outlets: readonly [Outlet<O>];
  constructor(
    readonly in0: Inlet<I0>,
    readonly in1: Inlet<I1>,
    readonly out: Outlet<O>,
  ) {
    super();
    this.inlets = [in0, in1];
    this.outlets = [out];
  }

  /** Ports named `${name}.in0`, `${name}.in1`, `${name}.out`. */
  static named<I0, I1, O>(name: string): FanInShape2<I0, I1, O> {
    return new FanInShape2<I0, I1, O>(new Inlet(`${name}.in0`), new Inlet(`${name}.in1`), new Outlet(`${name}.out`));
  }

  deepCopy(): FanInShape2<I0, I1, O> {
    return new FanInShape2<I0, I1, O>(new Inlet(this.in0.name), new Inlet(this.in1.name), new Outlet(this.out.name));
  }
}
