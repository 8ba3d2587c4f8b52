import { type AsyncCallback, GraphStageLogic, type OutHandler } from '../stage/GraphStageLogic.js';
import { SourceStage } from './SourceStage.js';

/** `Source.fromPromise(p)`: emits the promise's value once it resolves (and downstream pulled), then completes; a rejection fails the stream. */
export class PromiseSource<T> extends SourceStage<T> {
  constructor(readonly promise: PromiseLike<T>) {
    super('fromPromise');
    if (promise === null || typeof promise !== 'object' || typeof promise.then !== 'function') {
      throw new TypeError(`Source.fromPromise: expected a promise, got ${promise === null ? 'null' : typeof promise}`);
    }
  }
  createLogic(): GraphStageLogic {
    return new PromiseLogic(this);
  }
}

class PromiseLogic<T> extends GraphStageLogic implements OutHandler {
  private readonly onValue: AsyncCallback<T>;
  private readonly onError: AsyncCallback<unknown>;
  constructor(private readonly stage: PromiseSource<T>) {
    super(stage.shape);
    this.setHandler(stage.out, this);
    this.onValue = this.getAsyncCallback((v) => {
      this.emit(stage.out, v, () => this.completeStage());
    });
    this.onError = this.getAsyncCallback((e) => this.failStage(e));
  }
  override preStart(): void {
    Promise.resolve(this.stage.promise).then(
      (v) => this.onValue.invoke(v),
      (e) => this.onError.invoke(e),
    );
  }
  onPull(): void {
    // the value is emitted when it arrives
  }
}
