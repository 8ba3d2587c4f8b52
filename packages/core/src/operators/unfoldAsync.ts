import { type AsyncCallback, GraphStageLogic, type OutHandler } from '../stage/GraphStageLogic.js';
import { SourceStage } from './SourceStage.js';
import { requireFunction } from './validate.js';

/**
 * `Source.unfoldAsync(seed, f)`: like unfold, with `f` returning a promise; one call in flight at a time,
 * made only when downstream pulls. A rejected promise fails the stream.
 */
export class UnfoldAsyncSource<S, T> extends SourceStage<T> {
  constructor(
    readonly seed: S,
    readonly f: (state: S) => PromiseLike<readonly [S, T] | undefined>,
  ) {
    super('unfoldAsync');
    requireFunction('Source.unfoldAsync', 'f', f);
  }
  createLogic(): GraphStageLogic {
    return new UnfoldAsyncLogic(this);
  }
}

class UnfoldAsyncLogic<S, T> extends GraphStageLogic implements OutHandler {
  private state: S;
  private readonly onResult: AsyncCallback<readonly [S, T] | undefined>;
  private readonly onError: AsyncCallback<unknown>;
  constructor(private readonly stage: UnfoldAsyncSource<S, T>) {
    super(stage.shape);
    this.state = stage.seed;
    this.setHandler(stage.out, this);
    this.onResult = this.getAsyncCallback((r) => {
      if (r === undefined) {
        this.completeStage();
      } else {
        this.state = r[0];
        this.push(stage.out, r[1]);
      }
    });
    this.onError = this.getAsyncCallback((e) => this.failStage(e));
  }
  onPull(): void {
    Promise.resolve(this.stage.f(this.state)).then(
      (r) => this.onResult.invoke(r),
      (e) => this.onError.invoke(e),
    );
  }
}
