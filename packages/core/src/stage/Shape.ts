import type { Inlet, Outlet } from './Ports.js';

/** The open ports of a graph: what it offers to the outside. */
export abstract class Shape {
  abstract readonly inlets: readonly Inlet<any>[];
  abstract readonly outlets: readonly Outlet<any>[];
}

/** No open ports: a graph that can run. */
export class ClosedShape extends Shape {
  static readonly instance = new ClosedShape();
  readonly inlets: readonly Inlet<any>[] = [];
  readonly outlets: readonly Outlet<any>[] = [];
  private constructor() {
    super();
  }
}

export class SourceShape<T> extends Shape {
  readonly inlets: readonly Inlet<any>[] = [];
  readonly outlets: readonly [Outlet<T>];
  constructor(readonly out: Outlet<T>) {
    super();
    this.outlets = [out];
  }
}

export class FlowShape<I, O> extends Shape {
  readonly inlets: readonly [Inlet<I>];
  readonly outlets: readonly [Outlet<O>];
  readonly in: Inlet<I>;
  constructor(
    inlet: Inlet<I>,
    readonly out: Outlet<O>,
  ) {
    super();
    this.in = inlet;
    this.inlets = [inlet];
    this.outlets = [out];
  }
}

export class SinkShape<I> extends Shape {
  readonly inlets: readonly [Inlet<I>];
  readonly outlets: readonly Outlet<any>[] = [];
  readonly in: Inlet<I>;
  constructor(inlet: Inlet<I>) {
    super();
    this.in = inlet;
    this.inlets = [inlet];
  }
}
