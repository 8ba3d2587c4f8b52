import { GraphStageWithMaterializedValue } from '../stage/GraphStage.js';
import { GraphStageLogic, type OutHandler } from '../stage/GraphStageLogic.js';
import { Outlet } from '../stage/Ports.js';
import { SourceShape } from '../stage/Shape.js';

/** Filled in by the enclosing GraphDSL graph once its materialized value is known. */
export interface MaterializedValueCell<M> {
  value: M | undefined;
}

/**
 * The source behind `b.materializedValue` in GraphDSL: emits the enclosing graph's materialized value
 * once, then completes. Its own materialized value is the cell that the graph's combine function fills
 * (before any stage starts).
 */
export class MaterializedValueSource<M> extends GraphStageWithMaterializedValue<SourceShape<M>, MaterializedValueCell<M>> {
  readonly out = new Outlet<M>('MaterializedValue.out');
  readonly shape = new SourceShape(this.out);
  override get defaultName(): string {
    return 'materializedValue';
  }
  createLogicAndMaterializedValue(): [GraphStageLogic, MaterializedValueCell<M>] {
    const cell: MaterializedValueCell<M> = { value: undefined };
    return [new MaterializedValueLogic(this, cell), cell];
  }
}

class MaterializedValueLogic<M> extends GraphStageLogic implements OutHandler {
  constructor(
    private readonly stage: MaterializedValueSource<M>,
    private readonly cell: MaterializedValueCell<M>,
  ) {
    super(stage.shape);
    this.setHandler(stage.out, this);
  }
  onPull(): void {
    this.push(this.stage.out, this.cell.value as M);
    this.completeStage();
  }
}
