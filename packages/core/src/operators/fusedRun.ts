/**
 * The last step of build-time fusion: a sync fusion-host source (range, from(iterable), with any
 * fused map/filter/collect) connected directly to a fold-like sink (foreach, fold, reduce, seq,
 * ignore, head, last, …) runs as one stage without ports: a loop that takes elements from the
 * source's cursor, applies the fused function and hands each result to the sink's consumer.
 *
 * The loop works in slices of `SliceSize` elements; between slices it re-enters itself through an
 * async callback, so the island's batch limit and the executor's yielding to the event loop apply as
 * for any other stream. Supervision is applied separately for the operators' functions and for the
 * sink's, exactly as the unfused stages would; materializer shutdown rejects the result.
 */

import type { Attributes, Decider } from '../stage/Attributes.js';
import { GraphStageWithMaterializedValue } from '../stage/GraphStage.js';
import { type AsyncCallback, GraphStageLogic } from '../stage/GraphStageLogic.js';
import { ClosedShape } from '../stage/Shape.js';
import { type Cursor, Done, RangeCursor } from './cursor.js';
import { decide } from './FlowStage.js';
import {
  absorbedBounds,
  applyBounds,
  CREATE_CONSUMER,
  CREATE_CURSOR,
  END,
  type FusableSink,
  type FusedFn,
  type FusedInstance,
  fusedFailure,
  fusedName,
  type SinkConsumer,
  SKIP,
  type SyncSourceHost,
} from './fusion.js';
import { abrupt } from './reactiveStreamsInternals.js';
import { type Deferred, deferred } from './SinkStage.js';

const SliceSize = 64;

export class FusedRun<R> extends GraphStageWithMaterializedValue<ClosedShape, Promise<R>> {
  readonly shape = ClosedShape.instance;
  constructor(
    readonly source: SyncSourceHost,
    readonly sink: FusableSink<R>,
  ) {
    super();
  }
  override get defaultName(): string {
    return fusedName(this.source.defaultName, this.sink.defaultName);
  }
  createLogicAndMaterializedValue(attributes: Attributes): [GraphStageLogic, Promise<R>] {
    const result = deferred<R>();
    return [new FusedRunLogic(this, attributes.supervisionDecider, result), result.promise];
  }
}

class FusedRunLogic<R> extends GraphStageLogic {
  private cursor: Cursor | null = null;
  private readonly consumer: SinkConsumer<R>;
  private readonly run: FusedInstance | null;
  private readonly fn: FusedFn | null;
  private readonly slice: AsyncCallback<undefined>;
  private settled = false;
  /** Leading drop/take parts the cursor absorbs. */
  private readonly bounds: number;
  /** Some part may end the run early (checked per element only then). */
  private readonly ends: boolean;

  constructor(
    private readonly stage: FusedRun<R>,
    private readonly decider: Decider,
    private readonly result: Deferred<R>,
  ) {
    super(stage.shape);
    this.bounds = absorbedBounds(stage.source);
    this.run = stage.source.chain === null ? null : stage.source.chain.instantiate(decider, this.bounds);
    this.fn = this.run === null ? null : this.run.fn;
    this.ends = this.run !== null && this.run.canEnd;
    const sinkName = stage.sink.defaultName;
    this.consumer = stage.sink[CREATE_CONSUMER](decider, () => sinkName);
    // A prototype method, not a closure per stream: the slice loop's call stays optimized across streams.
    this.slice = this.getAsyncCallback(FusedRunLogic.prototype.runSlice);
  }

  override preStart(): void {
    this.setKeepGoing(true);
    this.cursor = this.stage.source[CREATE_CURSOR]();
    applyBounds(this.stage.source, this.bounds, this.cursor);
    this.run?.start(); // ending parts open their state (a failure starts the ending: see runSlice)
    // The first slice runs as an event, not inside preStart: a stream stopped right after it started
    // (materializer shutdown) must stop, not run to completion while it is being started.
    this.slice.invoke(undefined);
  }

  protected runSlice(): void {
    const run = this.run;
    if (run !== null && run.ending) return this.ending();
    if (run !== null && run.seedPending) {
      // A fused scan's seed goes first (through the parts after the scan).
      let y: unknown;
      try {
        y = run.takeSeed();
      } catch (e) {
        const stop = fusedFailure(this.decider, e);
        if (stop !== null) return this.failWith(stop.error);
        y = SKIP;
      }
      if (y !== SKIP && !this.offer(y)) return;
      if (run.ending) return this.ending();
      if (run.done) return this.finish();
    }
    const cursor = this.cursor!;
    if (cursor instanceof RangeCursor ? this.rangeSlice(cursor) : this.cursorSlice(cursor)) this.slice.invoke(undefined);
  }

  /** One slice over a range, its counter in locals; true when the run goes on. */
  private rangeSlice(c: RangeCursor): boolean {
    const step = c.step;
    const end = c.end;
    let x = c.x;
    const left = c.left; // -1: no bound (take)
    const limit = left < 0 || left > SliceSize ? SliceSize : left;
    let n = 0;
    for (; n < limit; n++) {
      if (step > 0 ? x > end : x < end) break;
      const v = x;
      x += step;
      if (!this.feed(v)) {
        c.x = x;
        if (left >= 0) c.left = left - n - 1;
        return false;
      }
    }
    c.x = x;
    if (left >= 0) c.left = left - n;
    if (n < SliceSize) this.sourceDone();
    return n === SliceSize;
  }

  /** One slice over any cursor; true when the run goes on. */
  private cursorSlice(cursor: Cursor): boolean {
    for (let n = 0; n < SliceSize; n++) {
      let x: unknown;
      try {
        x = cursor.next();
      } catch (e) {
        // the source itself failed: not subject to supervision
        if (this.run !== null && this.run.hasEnds) {
          this.run.fail(0, e);
          this.ending();
        } else this.failWith(e);
        return false;
      }
      if (x === Done) {
        this.sourceDone();
        return false;
      }
      if (!this.feed(x)) return false;
    }
    return true;
  }

  /** One element through the fused parts into the sink's consumer; false when the run ended. */
  private feed(x: unknown): boolean {
    const fn = this.fn;
    let y: unknown = x;
    if (fn !== null) {
      try {
        y = fn(x);
      } catch (e) {
        const run = this.run!;
        const stop = fusedFailure(this.decider, e);
        if (stop !== null) {
          if (run.hasEnds) {
            run.failFromFn(stop.error);
            this.ending();
          } else this.failWith(stop.error);
          return false;
        }
        run.failedAt = -1;
        return this.goOn();
      }
      if (y === SKIP) return this.goOn();
    }
    let more: boolean;
    try {
      more = this.consumer.accept(y);
    } catch (e) {
      const d = decide(this.decider, e);
      if (d === 'stop') {
        this.failWith(e);
        return false;
      }
      if (d === 'restart') this.consumer.restart();
      return this.goOn();
    }
    if (!more) {
      this.finish();
      return false;
    }
    return this.goOn();
  }

  /** After an element: false (and finished) when a part ended the chain with it. */
  private goOn(): boolean {
    if (this.ends && this.run!.done) {
      const run = this.run!;
      if (run.hasEnds) {
        run.completeAfterDone();
        this.ending();
      } else this.finish();
      return false;
    }
    return true;
  }

  /** The cursor is exhausted: the run finishes (after the ending parts' last elements, if any). */
  private sourceDone(): void {
    const run = this.run;
    if (run !== null && run.hasEnds) {
      run.complete();
      this.ending();
    } else this.finish();
  }

  /** The chain's ending (see FusedInstance.nextFinal): its elements into the sink, then the end. */
  private ending(): void {
    const run = this.run!;
    this.cursor?.close();
    for (;;) {
      const y = run.nextFinal();
      if (y === END) break;
      if (!this.offer(y)) return;
    }
    if (run.failing) this.failWith(run.endError);
    else this.finish();
  }

  /** Hands the seed to the sink's consumer; false when the run ended (finished or failed). */
  private offer(y: unknown): boolean {
    let more: boolean;
    try {
      more = this.consumer.accept(y);
    } catch (e) {
      const d = decide(this.decider, e);
      if (d === 'stop') {
        this.failWith(e);
        return false;
      }
      if (d === 'restart') this.consumer.restart();
      return true;
    }
    if (!more) this.finish();
    return more;
  }

  private finish(): void {
    let r: R;
    try {
      r = this.consumer.result();
    } catch (e) {
      return this.failWith(e);
    }
    this.settled = true;
    this.result.resolve(r);
    this.completeStage();
  }

  private failWith(e: unknown): void {
    this.settled = true;
    this.result.reject(e);
    this.failStage(e);
  }

  override postStop(): void {
    if (this.run !== null && this.run.hasEnds) this.run.cancelAll();
    this.cursor?.close();
    if (!this.settled) {
      this.settled = true;
      this.result.reject(abrupt(this.stageName));
    }
  }
}
