/**
 * Shared scaffolding for one-in/one-out operators: ports named after the operator ("Map.in",
 * "Map.out"), the operator's DSL name as default stage name, and the supervision decision helper.
 */
import type { Decider, SupervisionDirective } from '../stage/Attributes.js';
import { GraphStage } from '../stage/GraphStage.js';
import { Inlet, Outlet } from '../stage/Ports.js';
import { FlowShape } from '../stage/Shape.js';

export abstract class FlowStage<I, O> extends GraphStage<FlowShape<I, O>> {
  readonly in: Inlet<I>;
  readonly out: Outlet<O>;
  readonly shape: FlowShape<I, O>;

  constructor(private readonly operatorName: string) {
    super();
    const portPrefix = operatorName.charAt(0).toUpperCase() + operatorName.slice(1);
    this.in = new Inlet<I>(`${portPrefix}.in`);
    this.out = new Outlet<O>(`${portPrefix}.out`);
    this.shape = new FlowShape(this.in, this.out);
  }

  override get defaultName(): string {
    return this.operatorName;
  }
}

/** Asks the supervision decider what to do with `error`; a decider that throws means stop. */
export function decide(decider: Decider, error: unknown): SupervisionDirective {
  try {
    return decider(error);
  } catch {
    return 'stop';
  }
}

/** Raised by operators that need at least one element (reduce, head, last) when the stream was empty. */
export class NoSuchElementError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoSuchElementError';
  }
}
