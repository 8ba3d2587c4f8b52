import type { Attributes, Decider } from '../stage/Attributes.js';
import { type AsyncCallback, GraphStageLogic, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide } from './FlowStage.js';
import { composeFused, type Fusable, type FusedFn, fusedName, type FusionHost, MaxSkipsPerPull, SKIP, type SyncSourceHost } from './fusion.js';
import { type Cursor, Done, iterableCursor } from './cursor.js';
import { SourceStage } from './SourceStage.js';

/**
 * `Source.from(iterable)`: emits the iterable's elements on demand. Each materialization iterates
 * afresh (arrays by index, other iterables through a new iterator); cancelling calls the iterator's
 * `return()` so generators run their `finally` blocks. A fusion host for map/filter/collect.
 */
export class IterableSource<T> extends SourceStage<T> implements FusionHost, SyncSourceHost {
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
  createCursor(): Cursor {
    return iterableCursor(this.iterable);
  }
  fuse(next: Fusable): IterableSource<unknown> {
    return new IterableSource(this.iterable, composeFused(this.fn, next.fusedFn), fusedName(this.names, next.defaultName));
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new IterableLogic(this, attributes.supervisionDecider);
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
    this.cursor = iterableCursor(it);
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
