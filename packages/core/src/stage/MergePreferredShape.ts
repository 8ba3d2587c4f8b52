import { Inlet, Outlet } from './Ports.js';
import { UniformFanInShape } from './UniformFanInShape.js';

/**
 * MergePreferred's ports: `secondaryPorts` ordinary inlets `in(0)` … plus the `preferred` inlet, which
 * comes last in `inlets` (so wiring "the next free inlet" fills the secondary inlets first).
 */
export class MergePreferredShape<T> extends UniformFanInShape<T, T> {
  readonly preferred: Inlet<T>;
  constructor(out: Outlet<T>, secondary: readonly Inlet<T>[], preferred: Inlet<T>) {
    super(out, [...secondary, preferred]);
    this.preferred = preferred;
  }

  static of<T>(name: string, secondaryPorts: number): MergePreferredShape<T> {
    const secondary = Array.from({ length: secondaryPorts }, (_, i) => new Inlet<T>(`${name}.in${i}`));
    return new MergePreferredShape<T>(new Outlet<T>(`${name}.out`), secondary, new Inlet<T>(`${name}.preferred`));
  }

  /** Number of secondary (non-preferred) inlets. */
  get secondaryPorts(): number {
    return this.inlets.length - 1;
  }

  override deepCopy(): MergePreferredShape<T> {
    const secondary = this.inlets.slice(0, -1).map((p) => new Inlet<T>(p.name));
    return new MergePreferredShape<T>(new Outlet<T>(this.out.name), secondary, new Inlet<T>(this.preferred.name));
  }
}
