import { GraphStage, GraphStageWithMaterializedValue } from '../stage/GraphStage.js';
import { Outlet } from '../stage/Ports.js';
import { SourceShape } from '../stage/Shape.js';

function portName(name: string): string {
  return `${name.charAt(0).toUpperCase()}${name.slice(1)}Source.out`;
}

/** Scaffolding for sources: one outlet named after the factory ("RangeSource.out"). */
export abstract class SourceStage<T> extends GraphStage<SourceShape<T>> {
  readonly out: Outlet<T>;
  readonly shape: SourceShape<T>;
  constructor(private readonly factoryName: string) {
    super();
    this.out = new Outlet<T>(portName(factoryName));
    this.shape = new SourceShape(this.out);
  }
  override get defaultName(): string {
    return this.factoryName;
  }
}

export abstract class SourceStageWithMat<T, M> extends GraphStageWithMaterializedValue<SourceShape<T>, M> {
  readonly out: Outlet<T>;
  readonly shape: SourceShape<T>;
  constructor(private readonly factoryName: string) {
    super();
    this.out = new Outlet<T>(portName(factoryName));
    this.shape = new SourceShape(this.out);
  }
  override get defaultName(): string {
    return this.factoryName;
  }
}
