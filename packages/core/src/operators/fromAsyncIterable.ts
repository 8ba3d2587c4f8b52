import { type AsyncCallback, GraphStageLogic, type OutHandler } from '../stage/GraphStageLogic.js';
import { SourceStage } from './SourceStage.js';

/**
 * `Source.from(asyncIterable)`: calls `next()` only when downstream pulls (one call in flight at a time),
 * so a lazy async iterable is never read ahead. Cancelling calls `return()`.
 */
export class AsyncIterableSource<T> extends SourceStage<T> {
  constructor(readonly iterable: AsyncIterable<T>) {
    super('from');
  }
  createLogic(): GraphStageLogic {
    return new AsyncIteratorLogic(this);
  }
}

class AsyncIteratorLogic<T> extends GraphStageLogic implements OutHandler {
  private it: AsyncIterator<T> | null = null;
  private finished = false;
  private readonly onResult: AsyncCallback<IteratorResult<T>>;
  private readonly onError: AsyncCallback<unknown>;

  constructor(private readonly stage: AsyncIterableSource<T>) {
    super(stage.shape);
    this.setHandler(stage.out, this);
    this.onResult = this.getAsyncCallback((r) => {
      if (r.done) {
        this.finished = true;
        this.completeStage();
      } else {
        this.push(stage.out, r.value);
      }
    });
    this.onError = this.getAsyncCallback((e) => {
      this.finished = true;
      this.failStage(e);
    });
  }

  override preStart(): void {
    this.it = this.stage.iterable[Symbol.asyncIterator]();
  }

  onPull(): void {
    let p: Promise<IteratorResult<T>>;
    try {
      p = Promise.resolve(this.it!.next());
    } catch (e) {
      this.finished = true;
      throw e;
    }
    p.then(
      (r) => this.onResult.invoke(r),
      (e) => this.onError.invoke(e),
    );
  }

  override postStop(): void {
    if (!this.finished && this.it !== null && typeof this.it.return === 'function') {
      try {
        Promise.resolve(this.it.return()).catch(() => {});
      } catch {
        // ignore: cleanup must not mask how the stream ended
      }
    }
  }
}
