import { type AsyncCallback, GraphStageLogic, type OutHandler } from '../stage/GraphStageLogic.js';
import { isThenable } from './mapAsyncInternals.js';
import { SourceStage } from './SourceStage.js';
import { describe, requireFunction } from './validate.js';

/**
 * `Source.lazyPromise(create)` (Akka's lazyFuture): calls `create()` on the first pull — not before —
 * emits what its promise resolves to and completes; a rejection (or a throw) fails the stream.
 */
export class LazyPromiseSource<T> extends SourceStage<T> {
  constructor(readonly create: () => PromiseLike<T>) {
    super('lazyPromise');
    requireFunction('Source.lazyPromise', 'create', create);
  }
  createLogic(): GraphStageLogic {
    return new LazyPromiseLogic(this);
  }
}

class LazyPromiseLogic<T> extends GraphStageLogic implements OutHandler {
  private started = false;
  private readonly onValue: AsyncCallback<T>;
  private readonly onError: AsyncCallback<unknown>;
  constructor(private readonly stage: LazyPromiseSource<T>) {
    super(stage.shape);
    this.setHandler(stage.out, this);
    // Downstream pulled before create() was called and pulls no more until it gets the value: push.
    this.onValue = this.getAsyncCallback((v) => {
      this.push(stage.out, v);
      this.completeStage();
    });
    this.onError = this.getAsyncCallback((e) => this.failStage(e));
  }
  onPull(): void {
    if (this.started) return;
    this.started = true;
    const p = this.stage.create();
    if (!isThenable(p)) throw new TypeError(`${this.stageName}: create must return a promise, got ${describe(p)}`);
    p.then(
      (v) => this.onValue.invoke(v),
      (e: unknown) => this.onError.invoke(e),
    );
  }
}
