import { GraphStage } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler } from '../stage/GraphStageLogic.js';
import { Inlet } from '../stage/Ports.js';
import { SinkShape } from '../stage/Shape.js';

/** `Sink.cancelled()`: cancels its upstream immediately. */
export class CancelledSink<T> extends GraphStage<SinkShape<T>> {
  readonly in = new Inlet<T>('CancelledSink.in');
  readonly shape = new SinkShape(this.in);
  override get defaultName(): string {
    return 'cancelled';
  }
  createLogic(): GraphStageLogic {
    return new CancelledLogic(this.shape);
  }
}

class CancelledLogic<T> extends GraphStageLogic implements InHandler {
  constructor(private readonly sinkShape: SinkShape<T>) {
    super(sinkShape);
    this.setHandler(sinkShape.in, this);
  }
  override preStart(): void {
    this.cancel(this.sinkShape.in);
  }
  onPush(): void {}
}
