import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { FlowStage } from './FlowStage.js';
import { fuseFirst } from './fused.js';
import { FUSABLE, FUSE, type Fusable, type FusionHost, type FusionPart, statefulPart } from './fusion.js';

/** `zipWithIndex()`: pairs each element with its position, starting at 0. */
export class ZipWithIndex<T> extends FlowStage<T, [T, number]> implements Fusable, FusionHost {
  constructor() {
    super('zipWithIndex');
  }
  get [FUSABLE](): FusionPart {
    return statefulPart(this.defaultName, () => {
      let index = 0;
      return (x) => [x, index++];
    });
  }
  [FUSE](next: Fusable) {
    return fuseFirst(this, next);
  }
  createLogic(): GraphStageLogic {
    return new ZipWithIndexLogic(this);
  }
}

class ZipWithIndexLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  private index = 0;
  constructor(private readonly stage: ZipWithIndex<T>) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  onPush(): void {
    const s = this.stage;
    this.push(s.out, [this.grab(s.in), this.index++]);
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
}
