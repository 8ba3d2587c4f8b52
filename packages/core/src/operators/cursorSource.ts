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
import {
  absorbedBounds,
  applyBounds,
  CREATE_CURSOR,
  EndingHostLogic,
  type FusedFn,
  type FusedInstance,
  fusedFailure,
  MaxSkipsPerPull,
  SKIP,
  type SyncSourceHost,
} from './fusion.js';

export interface CursorSourceStage<T> extends SyncSourceHost {
  readonly shape: SourceShape<T>;
  readonly out: Outlet<T>;
}

const Failed: unique symbol = Symbol('failed');

export class CursorSourceLogic<T> extends GraphStageLogic implements OutHandler {
  private cursor: Cursor | null = null;
  private readonly run: FusedInstance | null;
  private readonly fn: FusedFn | null;
  private readonly resume: AsyncCallback<undefined>;
  /** Leading drop/take parts the cursor absorbs. */
  private readonly bounds: number;

  constructor(
    private readonly stage: CursorSourceStage<T>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.bounds = absorbedBounds(stage);
    this.run = stage.chain === null ? null : stage.chain.instantiate(decider, this.bounds);
    this.fn = this.run === null ? null : this.run.fn;
    this.setHandler(stage.out, this);
    this.resume = this.getAsyncCallback(CursorSourceLogic.prototype.onPull);
  }

  override preStart(): void {
    this.cursor = this.stage[CREATE_CURSOR]();
    applyBounds(this.stage, this.bounds, this.cursor);
    if (!this.cursor.exhausted) return;
    const run = this.run;
    // A fused scan over nothing still emits its seed: on the first pull, as the scan stage would (running
    // the parts after the scan now could fail the stream before downstream asked for anything).
    if (run === null || !run.seedPending) this.completeStage();
  }

  onPull(): void {
    const cursor = this.cursor!;
    const fn = this.fn;
    const run = this.run;
    if (run !== null && run.seedPending) {
      const y = this.seed(run);
      if (y === Failed) return;
      if (y !== SKIP) this.push(this.stage.out, y as T);
      if (run.done || (y !== SKIP && cursor.exhausted)) return this.completeStage();
      if (y !== SKIP) return;
    }
    let skips = 0;
    for (;;) {
      const x = cursor.next();
      if (x === Done) return this.completeStage();
      let y: unknown = x;
      if (fn !== null) {
        try {
          y = fn(x);
        } catch (e) {
          const stop = fusedFailure(this.decider, e);
          if (stop !== null) return this.failStage(stop.error);
          y = SKIP;
        }
        if (y === SKIP) {
          if (run!.done) return this.completeStage();
          if (++skips === MaxSkipsPerPull) return this.resume.invoke(undefined);
          continue;
        }
      }
      this.push(this.stage.out, y as T);
      if (cursor.exhausted || (run !== null && run.done)) this.completeStage();
      return;
    }
  }

  /** The fused scan's seed through the parts after it (SKIP: dropped; Failed: the stage failed). */
  private seed(run: FusedInstance): unknown {
    try {
      return run.takeSeed();
    } catch (e) {
      const stop = fusedFailure(this.decider, e);
      if (stop === null) return SKIP;
      this.failStage(stop.error);
      return Failed;
    }
  }

  override postStop(): void {
    this.cursor?.close();
  }
}

/** The logic of a cursor-backed source: with ending parts in its chain (statefulMap, grouped, sliding), the ending one. */
export function cursorSourceLogic<T>(stage: CursorSourceStage<T>, decider: Decider): GraphStageLogic {
  return stage.chain !== null && stage.chain.hasEnds ? new EndingCursorSourceLogic(stage, decider) : new CursorSourceLogic(stage, decider);
}

/**
 * A cursor-backed source whose fused chain has ending parts: when the cursor is exhausted or fails, or
 * a part ends the chain (take) or fails, it emits the ending's elements on demand
 * (`FusedInstance.nextFinal`), then completes or fails as the last unfused stage would.
 */
class EndingCursorSourceLogic<T> extends EndingHostLogic<T> implements OutHandler {
  private cursor: Cursor | null = null;
  private readonly fn: FusedFn;
  private readonly resume: AsyncCallback<undefined>;
  private readonly bounds: number;

  constructor(
    private readonly stage: CursorSourceStage<T>,
    decider: Decider,
  ) {
    const bounds = absorbedBounds(stage);
    super(stage.shape, stage.chain!.instantiate(decider, bounds), stage.out);
    this.bounds = bounds;
    this.fn = this.run.fn!;
    this.setHandler(stage.out, this);
    this.resume = this.getAsyncCallback(EndingCursorSourceLogic.prototype.onPull);
  }

  override preStart(): void {
    this.cursor = this.stage[CREATE_CURSOR]();
    applyBounds(this.stage, this.bounds, this.cursor);
    const run = this.run;
    run.start();
    if (run.ending) return this.beginEnding();
    // An empty source ends at once (a pending seed still waits for the first pull: see beginEnding).
    if (this.cursor.exhausted) {
      run.complete();
      this.beginEnding();
    }
  }

  onPull(): void {
    const run = this.run;
    if (run.ending) return this.emitFinal();
    const cursor = this.cursor!;
    const out = this.stage.out;
    if (run.seedPending) {
      const y = run.takeSeed(); // part by part: a part's failure or end starts the ending
      if (y !== SKIP) this.push(out, y as T);
      if (!run.ending && y !== SKIP && cursor.exhausted) run.complete();
      if (run.ending) return this.beginEnding();
      if (y !== SKIP) return;
    }
    const fn = this.fn;
    let skips = 0;
    for (;;) {
      let x: unknown;
      try {
        x = cursor.next();
      } catch (e) {
        run.fail(0, e); // the source itself failed: the parts after it see the failure
        return this.beginEnding();
      }
      if (x === Done) {
        run.complete();
        return this.beginEnding();
      }
      let y: unknown;
      try {
        y = fn(x);
      } catch (e) {
        const stop = fusedFailure(run.decider, e);
        if (stop !== null) {
          run.failFromFn(stop.error);
          return this.beginEnding();
        }
        run.failedAt = -1;
        y = SKIP;
      }
      if (y === SKIP) {
        if (run.done) {
          run.completeAfterDone();
          return this.beginEnding();
        }
        if (++skips === MaxSkipsPerPull) return this.resume.invoke(undefined);
        continue;
      }
      this.push(out, y as T);
      if (run.done) run.completeAfterDone();
      else if (cursor.exhausted) run.complete();
      if (run.ending) this.beginEnding();
      return;
    }
  }

  protected stopInput(): void {
    this.cursor?.close();
  }

  override postStop(): void {
    this.run.cancelAll();
    this.cursor?.close();
  }
}
