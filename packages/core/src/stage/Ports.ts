/**
 * Typed ports. A port belongs to exactly one stage; its `index` is its position in that stage's
 * shape, which is how a running logic finds the connection behind it.
 */
export class Inlet<T> {
  declare readonly _inletType: (element: T) => void;
  /** Position of this port in its stage's shape (set when a logic is created for the shape). */
  index = -1;
  readonly isInlet = true;
  constructor(readonly name: string) {}
  toString(): string {
    return `Inlet(${this.name})`;
  }
}

export class Outlet<T> {
  declare readonly _outletType: () => T;
  index = -1;
  readonly isInlet = false;
  constructor(readonly name: string) {}
  toString(): string {
    return `Outlet(${this.name})`;
  }
}
