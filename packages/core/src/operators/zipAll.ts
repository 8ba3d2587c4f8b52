import { FanInShape2 } from '../stage/FanInShape2.js';
import { GraphStage } from '../stage/GraphStage.js';
import { GraphStageLogic, type OutHandler } from '../stage/GraphStageLogic.js';

/**
 * `ZipAll(thisElem, thatElem)`: zips two inputs into pairs until *both* have completed; once one input
 * has completed, its place in the pair is taken by its fill element. Both inputs are pulled at start
 * and again after each pair.
 */
export class ZipAll<A, B> extends GraphStage<FanInShape2<A, B, [A, B]>> {
  readonly shape = FanInShape2.named<A, B, [A, B]>('ZipAll');
  constructor(
    readonly thisElem: A,
    readonly thatElem: B,
  ) {
    super();
  }
  override get defaultName(): string {
    return 'ZipAll';
  }
  createLogic(): GraphStageLogic {
    return new ZipAllLogic(this);
  }
}

class ZipAllLogic<A, B> extends GraphStageLogic implements OutHandler {
  constructor(private readonly stage: ZipAll<A, B>) {
    super(stage.shape);
    const s = stage.shape;
    this.setHandler(s.out, this);
    const handler = { onPush: () => this.tryPush(), onUpstreamFinish: () => this.tryPush() };
    this.setHandler(s.in0, handler);
    this.setHandler(s.in1, handler);
  }

  override preStart(): void {
    this.pull(this.stage.shape.in0);
    this.pull(this.stage.shape.in1);
  }

  onPull(): void {
    this.tryPush();
  }

  private tryPush(): void {
    const s = this.stage.shape;
    const hasA = this.isAvailable(s.in0);
    const hasB = this.isAvailable(s.in1);
    const doneA = !hasA && this.isClosed(s.in0);
    const doneB = !hasB && this.isClosed(s.in1);
    if (doneA && doneB) return this.completeStage();
    if (!this.isAvailable(s.out) || !(hasA || doneA) || !(hasB || doneB)) return;
    const a = hasA ? this.grab(s.in0) : this.stage.thisElem;
    const b = hasB ? this.grab(s.in1) : this.stage.thatElem;
    this.push(s.out, [a, b]);
    if (!this.isClosed(s.in0)) this.pull(s.in0);
    if (!this.isClosed(s.in1)) this.pull(s.in1);
    if (this.isClosed(s.in0) && this.isClosed(s.in1) && !this.isAvailable(s.in0) && !this.isAvailable(s.in1)) this.completeStage();
  }
}
