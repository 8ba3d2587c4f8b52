import { Inlet, Outlet } from './Ports.js';
import { Shape } from './Shape.js';

/** One inlet and two outlets of possibly different types (Unzip, UnzipWith, WireTap). */
export class FanOutShape2<I, O0, O1> extends Shape {
  readonly inlets: readonly [Inlet<I>];
  readonly outlets: readonly [Outlet<O0>, Outlet<O1>];
  readonly in: Inlet<I>;
  constructor(
    inlet: Inlet<I>,
    readonly out0: Outlet<O0>,
    readonly out1: Outlet<O1>,
  ) {
    super();
    this.in = inlet;
    this.inlets = [inlet];
    this.outlets = [out0, out1];
  }

  /** Ports named `${name}.in`, `${name}.out0`, `${name}.out1`. */
  static named<I, O0, O1>(name: string): FanOutShape2<I, O0, O1> {
    return new FanOutShape2<I, O0, O1>(new Inlet(`${name}.in`), new Outlet(`${name}.out0`), new Outlet(`${name}.out1`));
  }

  deepCopy(): FanOutShape2<I, O0, O1> {
    return new FanOutShape2<I, O0, O1>(new Inlet(this.in.name), new Outlet(this.out0.name), new Outlet(this.out1.name));
  }
}
