/**
 * The stage behind `Flow.fromSinkAndSourceCoupled` (Akka's `CoupledTerminationBidi`): two pass-through
 * lanes in one stage, so that whatever ends one lane ends the other.
 *
 * ```text
 *   flow in ──> in1 ──> out1 ──> sink
 *   flow out <── out2 <── in2 <── source
 * ```
 *
 * Both lanes share the stage's lifetime: the first termination signal on any port stops the stage,
 * and stopping a stage completes (or fails) every open outlet and cancels every open inlet. That is
 * the whole coupling; the handlers below only forward elements.
 */

import { BidiShape } from '../stage/BidiShape.js';
import { GraphStage } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { Inlet, Outlet } from '../stage/Ports.js';

export class CoupledTermination<I, O> extends GraphStage<BidiShape<I, I, O, O>> {
  readonly in1 = new Inlet<I>('CoupledTermination.in1');
  readonly out1 = new Outlet<I>('CoupledTermination.out1');
  readonly in2 = new Inlet<O>('CoupledTermination.in2');
  readonly out2 = new Outlet<O>('CoupledTermination.out2');
  readonly shape = new BidiShape(this.in1, this.out1, this.in2, this.out2);

  override get defaultName(): string {
    return 'coupledTermination';
  }

  createLogic(): GraphStageLogic {
    return new CoupledTerminationLogic(this);
  }
}

class CoupledTerminationLogic<I, O> extends GraphStageLogic {
  constructor(stage: CoupledTermination<I, O>) {
    super(stage.shape);
    this.setHandlers(stage.in1, stage.out1, new Lane(this, stage.in1, stage.out1));
    this.setHandlers(stage.in2, stage.out2, new Lane(this, stage.in2, stage.out2));
  }
}

/**
 * One direction. Completion and failure stop the whole stage (`completeStage`/`failStage`); a
 * cancellation does too (`cancelStage`: a plain cancellation completes the other lane, one caused by a
 * failure fails it with that failure, the house rule for cancellation causes).
 */
class Lane<T> implements InHandler, OutHandler {
  constructor(
    private readonly logic: GraphStageLogic,
    private readonly inlet: Inlet<T>,
    private readonly outlet: Outlet<T>,
  ) {}
  onPush(): void {
    this.logic.push(this.outlet, this.logic.grab(this.inlet));
  }
  onPull(): void {
    this.logic.pull(this.inlet);
  }
  onUpstreamFinish(): void {
    this.logic.completeStage();
  }
  onUpstreamFailure(error: unknown): void {
    this.logic.failStage(error);
  }
  onDownstreamFinish(cause: unknown): void {
    this.logic.cancelStage(cause);
  }
}
