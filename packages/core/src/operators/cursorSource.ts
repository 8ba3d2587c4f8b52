/**
 * The running half of every cursor-backed source (`range`, `from(iterable)`), fused or not: on each
 * pull it takes elements from the source's cursor, runs them through the fused map/filter/collect
 * function (if any) until one survives, and pushes it — completing right after the last element when
 * the cursor knows it is exhausted. Rejected elements never reach the interpreter; a long run of them
 * yields after `MaxSkipsPerPull` through an async callback, so one pull is always bounded work.
 */
import type { Decider } from '../stage/Attributes.js';
import { type AsyncCallback, GraphStageLogic, type OutHandler } from '../stage/GraphStageLogic.js';
import type { Outlet } from '../stage/Ports.js';
import type { SourceShape } from '../stage/Shape.js';
import { type Cursor, Done } from './cursor.js';
import { decide } from './FlowStage.js';
import { type FusedFn, MaxSkipsPerPull, SKIP, type SyncSourceHost } from './fusion.js';

export interface CursorSourceStage<T> extends SyncSourceHost {
  readonly shape: SourceShape<T>;
  readonly out: Outlet<T>;
}

export class CursorSourceLogic<T> extends GraphStageLogic implements OutHandler {
  private cursor: Cursor | null = null;
  private readonly fn: FusedFn | null;
  private readonly resume: AsyncCallback<undefined>;

  constructor(
    private readonly stage: CursorSourceStage<T>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.fn = stage.fn;
    this.setHandler(stage.out, this);
    this.resume = this.getAsyncCallback(CursorSourceLogic.prototype.onPull);
  }

  override preStart(): void {
    this.cursor = this.stage.createCursor();
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
