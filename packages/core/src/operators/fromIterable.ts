import type { Attributes, Decider } from '../stage/Attributes.js';
import { type AsyncCallback, GraphStageLogic, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide } from './FlowStage.js';
import { composeFused, type Fusable, type FusedFn, fusedName, type FusionHost, MaxSkipsPerPull, SKIP } from './fusion.js';
import { SourceStage } from './SourceStage.js';

/**
 * `Source.from(iterable)`: emits the iterable's elements on demand. Each materialization iterates
 * afresh (arrays by index, other iterables through a new iterator); cancelling calls the iterator's
 * `return()` so generators run their `finally` blocks. A fusion host for map/filter/collect.
 */
export class IterableSource<T> extends SourceStage<T> implements FusionHost {
  constructor(
    readonly iterable: Iterable<T>,
    readonly fn: FusedFn | null = null,
    private readonly names = 'from',
  ) {
    super('from');
  }
  override get defaultName(): string {
    return this.names;
  }
  fuse(next: Fusable): IterableSource<unknown> {
    return new IterableSource(this.iterable, composeFused(this.fn, next.fusedFn), fusedName(this.names, next.defaultName));
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new IterableLogic(this, attributes.supervisionDecider);
  }
}

/** Iteration over an array by index, or any other iterable through its iterator. */
interface Cursor {
  /** Next element, or `Done`. */
  next(): unknown;
  /** Known to be exhausted (arrays know this before the extra call; iterators only after it). */
  readonly exhausted: boolean;
  close(): void;
}

const Done: unique symbol = Symbol('done');

class ArrayCursor implements Cursor {
  private i = 0;
  constructor(private readonly a: readonly unknown[]) {}
  next(): unknown {
    return this.i < this.a.length ? this.a[this.i++] : Done;
  }
  get exhausted(): boolean {
    return this.i >= this.a.length;
  }
  close(): void {}
}

class IteratorCursor implements Cursor {
  exhausted = false;
  constructor(private readonly it: Iterator<unknown>) {}
  next(): unknown {
    const r = this.it.next();
    if (r.done) {
      this.exhausted = true;
      return Done;
    }
    return r.value;
  }
  close(): void {
    // Stopped before the iterator was exhausted (cancelled or failed): let it clean up.
    if (!this.exhausted && typeof this.it.return === 'function') {
      this.exhausted = true;
      try {
        this.it.return();
      } catch {
        // a failing return() must not mask how the stream ended
      }
    }
  }
}

class IterableLogic<T> extends GraphStageLogic implements OutHandler {
  private cursor: Cursor | null = null;
  private readonly fn: FusedFn | null;
  private readonly resume: AsyncCallback<undefined>;
  constructor(
    private readonly stage: IterableSource<T>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.fn = stage.fn;
    this.setHandler(stage.out, this);
    this.resume = this.getAsyncCallback(() => this.onPull());
  }
  override preStart(): void {
    const it = this.stage.iterable;
    this.cursor = Array.isArray(it) ? new ArrayCursor(it) : new IteratorCursor(it[Symbol.iterator]());
    if (this.cursor.exhausted) this.completeStage();
  }
  onPull(): void {
    const cursor = this.cursor!;
    const fn = this.fn;
    let skips = 0;
    for (;;) {
      const x = cursor.next();
      if (x === Done) return this.completeStage();
      let y: unknown = x;
      if (fn !== null) {
        try {
          y = fn(x);
        } catch (e) {
          if (decide(this.decider, e) === 'stop') return this.failStage(e);
          y = SKIP;
        }
        if (y === SKIP) {
          if (++skips === MaxSkipsPerPull) return this.resume.invoke(undefined);
          continue;
        }
      }
      this.push(this.stage.out, y as T);
      if (cursor.exhausted) this.completeStage();
      return;
    }
  }
  override postStop(): void {
    this.cursor?.close();
  }
}
