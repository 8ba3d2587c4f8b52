import { linear, type Module } from '../impl/Module.js';
import type { Graph } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler } from '../stage/GraphStageLogic.js';
import type { SourceShape } from '../stage/Shape.js';
import { materializeIntoParent } from '../stage/SubSourceOutlet.js';
import { SinkStage } from './SinkStage.js';

/**
 * The sink behind `SubFlow.to(sink)`: runs every substream it receives through the substream flow
 * into a fresh materialization of `sink`, inside this stage's island. Substream materialized values
 * are discarded. The stage completes when upstream completes; the substreams run on independently.
 */
export class RunSubstreams<T> extends SinkStage<Graph<SourceShape<T>, unknown>, undefined> {
  constructor(
    /** The per-substream flow (null: none). */
    readonly flow: Module | null,
    readonly sink: Module,
  ) {
    super('runSubstreams');
  }
  createLogicAndMaterializedValue(): [GraphStageLogic, undefined] {
    return [new RunSubstreamsLogic(this), undefined];
  }
}

class RunSubstreamsLogic<T> extends GraphStageLogic implements InHandler {
  constructor(private readonly stage: RunSubstreams<T>) {
    super(stage.shape);
    this.setHandler(stage.in, this);
  }
  override preStart(): void {
    this.pull(this.stage.in);
  }
  onPush(): void {
    const s = this.stage;
    const source = this.grab(s.in);
    const head = s.flow === null ? source.module : linear(source.module, s.flow, null);
    materializeIntoParent(this, linear(head, s.sink, null));
    this.pull(s.in);
  }
}
