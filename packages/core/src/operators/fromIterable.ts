import { GraphStageLogic, type OutHandler } from '../stage/GraphStageLogic.js';
import { SourceStage } from './SourceStage.js';

/**
 * `Source.from(iterable)`: emits the iterable's elements on demand. Each materialization iterates
 * afresh (arrays by index, other iterables through a new iterator); cancelling calls the iterator's
 * `return()` so generators run their `finally` blocks.
 */
export class IterableSource<T> extends SourceStage<T> {
  constructor(readonly iterable: Iterable<T>) {
    super('from');
  }
  createLogic(): GraphStageLogic {
    return Array.isArray(this.iterable) ? new ArrayLogic(this, this.iterable as readonly T[]) : new IteratorLogic(this);
  }
}

class ArrayLogic<T> extends GraphStageLogic implements OutHandler {
  private i = 0;
  constructor(
    private readonly stage: IterableSource<T>,
    private readonly array: readonly T[],
  ) {
    super(stage.shape);
    this.setHandler(stage.out, this);
  }
  override preStart(): void {
    if (this.array.length === 0) this.completeStage();
  }
  onPull(): void {
    const a = this.array;
    this.push(this.stage.out, a[this.i++] as T);
    if (this.i >= a.length) this.completeStage();
  }
}

class IteratorLogic<T> extends GraphStageLogic implements OutHandler {
  private it: Iterator<T> | null = null;
  private finished = false;
  constructor(private readonly stage: IterableSource<T>) {
    super(stage.shape);
    this.setHandler(stage.out, this);
  }
  override preStart(): void {
    this.it = this.stage.iterable[Symbol.iterator]();
  }
  onPull(): void {
    const r = this.it!.next();
    if (r.done) {
      this.finished = true;
      this.completeStage();
    } else {
      this.push(this.stage.out, r.value);
    }
  }
  onDownstreamFinish(cause: unknown): void {
    this.cancelStage(cause);
  }
  override postStop(): void {
    // Stopped before the iterator was exhausted (cancelled or failed): let it clean up.
    if (!this.finished && this.it !== null && typeof this.it.return === 'function') {
      try {
        this.it.return();
      } catch {
        // a failing return() must not mask how the stream ended
      }
    }
  }
}
