import type { Attributes, Decider } from '../stage/Attributes.js';
import type { Graph } from '../stage/GraphStage.js';
import type { GraphStageLogic, InHandler } from '../stage/GraphStageLogic.js';
import type { SourceShape } from '../stage/Shape.js';
import { materializeSubStream, SubSinkInlet } from '../stage/SubSinkInlet.js';
import { type Cursor, Done } from './cursor.js';
import { FlowStage } from './FlowStage.js';
import { FlattenLogic } from './flattenInternals.js';
import { requireFunction, requirePositiveIntOrInfinity } from './validate.js';

/**
 * `flatMapMerge(breadth, f)`: maps each element to a source with `f` and runs up to `breadth` of these
 * sources at a time (inside this stage's island), emitting their elements as they arrive — sources
 * that produced while downstream was busy are served first come, first served. Upstream is pulled
 * whenever fewer than `breadth` sources are running; each source keeps one element pulled ahead.
 * `breadth` may be `Infinity`. Supervision: resume/restart skip the element for which `f` threw.
 *
 * Sources that need no stage of their own (`Source.single`, `Source.empty`, a plain synchronous
 * `Source.range` / `Source.from(iterable)`: see flatMapConcat) are not materialized: they are read
 * through their cursor when their turn comes, always having an element ready, so running ones are
 * served in turn. They read no element ahead and do not show in diagrams or snapshots; elements,
 * per-source order, breadth, demand and completion are unchanged.
 *
 * Also the engine behind `mergeSubstreams` (breadth ∞), `mergeSubstreamsWithParallelism(n)` and
 * `concatSubstreams` (breadth 1), which pass the substream sources through with `f` = attach the
 * substream's flow.
 */
export class FlatMapMerge<I, O> extends FlowStage<I, O> {
  constructor(
    readonly breadth: number,
    readonly f: (x: I) => Graph<SourceShape<O>, unknown>,
    operatorName = 'flatMapMerge',
  ) {
    super(operatorName);
    requirePositiveIntOrInfinity(operatorName, operatorName === 'flatMapMerge' ? 'breadth' : 'parallelism', breadth);
    requireFunction(operatorName, 'f', f);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new FlatMapMergeLogic(this, attributes.supervisionDecider);
  }
}

class FlatMapMergeLogic<I, O> extends FlattenLogic<I, O, FlatMapMerge<I, O>> {
  private readonly sources = new Set<Inner<O>>();
  /**
   * Sources holding an element, in arrival order: a growable ring (power-of-two size). Each source is
   * in it at most once (it holds at most one element), so it never holds more than `sources.size`.
   */
  private queue: (Inner<O> | undefined)[] = new Array<Inner<O> | undefined>(16);
  private qHead = 0;
  private queued = 0;
  constructor(stage: FlatMapMerge<I, O>, decider: Decider) {
    super(stage, decider);
  }

  override preStart(): void {
    this.pull(this.stage.in);
  }

  private enqueue(sub: Inner<O>): void {
    let q = this.queue;
    if (this.queued === q.length) {
      const bigger = new Array<Inner<O> | undefined>(q.length * 2);
      for (let i = 0; i < q.length; i++) bigger[i] = q[(this.qHead + i) & (q.length - 1)];
      this.queue = q = bigger;
      this.qHead = 0;
    }
    q[(this.qHead + this.queued) & (q.length - 1)] = sub;
    this.queued++;
  }

  private dequeue(): Inner<O> {
    const q = this.queue;
    const s = q[this.qHead]!;
    q[this.qHead] = undefined;
    this.qHead = (this.qHead + 1) & (q.length - 1);
    this.queued--;
    return s;
  }

  /** Source `sub` delivered an element. */
  onSourcePush(sub: SubSinkInlet<O>): void {
    const out = this.stage.out;
    if (this.queued === 0 && this.isAvailable(out)) {
      this.push(out, sub.grab());
      sub.pull();
    } else {
      this.enqueue(sub);
    }
  }

  /** Source `sub` completed. */
  onSourceFinish(sub: SubSinkInlet<O>): void {
    if (!sub.isAvailable()) this.removeSource(sub);
  }

  onPush(): void {
    const s = this.stage;
    const source = this.takeInner();
    if (source === null) return;
    const cursor = this.takenCursor;
    if (cursor === null) this.addSource(source);
    else if (!cursor.exhausted) this.addCursor(new CursorInner(cursor));
    else if (this.isClosed(s.in) && this.sources.size === 0) return this.completeStage(); // an empty source
    if (this.sources.size < s.breadth && !this.hasBeenPulled(s.in)) this.tryPull(s.in); // an inline source may have finished and pulled
  }

  private addSource(source: Graph<SourceShape<O>, unknown>): void {
    const sub = new SubSinkInlet<O>(this, 'FlatMapMerge.sub');
    sub.setHandler(new SourceHandler(this, sub));
    this.sources.add(sub);
    materializeSubStream(this, source, sub);
    sub.pull();
  }

  /** An inline source starts running: it has an element ready, as a materialized one that pushed. */
  private addCursor(inner: CursorInner): void {
    this.sources.add(inner);
    const out = this.stage.out;
    if (this.queued === 0 && this.isAvailable(out)) this.pushFrom(inner);
    else this.enqueue(inner);
  }

  /**
   * Emits the next element of inline source `inner` (downstream is available) and queues it again
   * (it has its next element ready) or removes it when exhausted. Returns false when it had none left
   * (nothing was pushed) or the stage failed.
   */
  private pushFrom(inner: CursorInner): boolean {
    const cursor = inner.cursor;
    let x: unknown;
    try {
      x = cursor.next();
    } catch (e) {
      this.failStage(e);
      return false;
    }
    if (x === Done) {
      this.removeSource(inner);
      return false;
    }
    this.push(this.stage.out, x as O);
    if (cursor.exhausted) this.removeSource(inner);
    else this.enqueue(inner);
    return true;
  }

  private removeSource(sub: Inner<O>): void {
    const wasFull = this.sources.size >= this.stage.breadth;
    this.sources.delete(sub);
    const inlet = this.stage.in;
    if (this.isClosed(inlet)) {
      if (this.sources.size === 0) this.completeStage();
    } else if (wasFull && !this.hasBeenPulled(inlet)) {
      this.pull(inlet);
    }
  }

  onUpstreamFinish(): void {
    if (this.sources.size === 0) this.completeStage();
  }

  onPull(): void {
    while (this.queued > 0) {
      const sub = this.dequeue();
      if (sub instanceof CursorInner) {
        if (this.pushFrom(sub) || this.isClosed(this.stage.out)) return;
        continue; // it had no element left after all (an iterator): serve the next one
      }
      this.push(this.stage.out, sub.grab());
      if (!sub.isClosed()) sub.pull();
      else this.removeSource(sub);
      return;
    }
  }

  override postStop(): void {
    for (const sub of this.sources) {
      if (sub instanceof CursorInner) sub.cursor.close();
      else sub.cancel();
    }
    this.sources.clear();
  }
}

/** A running inner source read in place through its cursor (see `inlineCursor`). */
class CursorInner {
  constructor(readonly cursor: Cursor) {}
}

type Inner<O> = SubSinkInlet<O> | CursorInner;

/** The handler of one running source: a class, not closures per source (one shared `onPush` for the JIT). */
class SourceHandler<I, O> implements InHandler {
  constructor(
    private readonly logic: FlatMapMergeLogic<I, O>,
    private readonly sub: SubSinkInlet<O>,
  ) {}
  onPush(): void {
    this.logic.onSourcePush(this.sub);
  }
  onUpstreamFinish(): void {
    this.logic.onSourceFinish(this.sub);
  }
}
