import { Inlet, Outlet } from './Ports.js';
import { Shape } from './Shape.js';

/**
 * Two flows running in opposite directions, as in a protocol layer: `in1 → out1` travels "down"
 * (e.g. application messages to bytes) and `in2 → out2` travels "up" (bytes to messages).
 * Port order: inlets `[in1, in2]`, outlets `[out1, out2]`.
 */
export class BidiShape<I1, O1, I2, O2> extends Shape {
  readonly inlets: readonly [Inlet<I1>, Inlet<I2>];
  readonly outlets: readonly [Outlet<O1>, Outlet<O2>];
  constructor(
    readonly in1: Inlet<I1>,
    readonly out1: Outlet<O1>,
    readonly in2: Inlet<I2>,
    readonly out2: Outlet<O2>,
  ) {
    super();
    this.inlets = [in1, in2];
    this.outlets = [out1, out2];
  }

  /** The same shape seen from the other side: `in2 → out2` becomes the first direction. */
  reversed(): BidiShape<I2, O2, I1, O1> {
    return new BidiShape(this.in2, this.out2, this.in1, this.out1);
  }

  deepCopy(): BidiShape<I1, O1, I2, O2> {
    return new BidiShape<I1, O1, I2, O2>(new Inlet(this.in1.name), new Outlet(this.out1.name), new Inlet(this.in2.name), new Outlet(this.out2.name));
  }
}
