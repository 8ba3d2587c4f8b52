import type { Attributes, Decider } from '../stage/Attributes.js';
import type { Graph } from '../stage/GraphStage.js';
import type { GraphStageLogic, InHandler } from '../stage/GraphStageLogic.js';
import type { SourceShape } from '../stage/Shape.js';
import { materializeSubStream, SubSinkInlet } from '../stage/SubSinkInlet.js';
import { type Cursor, Done } from './cursor.js';
import { FlowStage } from './FlowStage.js';
import { FlattenLogic } from './flattenInternals.js';
import { requireFunction } from './validate.js';

/**
 * `flatMapConcat(f)`: maps each element to a source with `f` and emits that source's elements, one
 * source at a time and in order. Each source is materialized inside this stage's island (no
 * event-loop hop per element). As in Akka, one upstream element is pulled ahead, and a new source is
 * pulled for its first element as soon as it is materialized. Supervision: resume/restart skip the
 * element for which `f` threw (or returned something that is not a source).
 *
 * Sources that need no stage of their own are not materialized at all (Pekko's FlattenConcat does
 * the same): `Source.single(x)` emits `x`, `Source.empty()` is skipped, and a plain synchronous
 * `Source.range` / `Source.from(iterable)` (no fused operators, no attributes) is read through its
 * cursor on demand. Elements, order, demand and completion are unchanged; the inner source is just
 * not a separate stage (it does not show in diagrams or snapshots, and reads no element ahead).
 */
export class FlatMapConcat<I, O> extends FlowStage<I, O> {
  constructor(readonly f: (x: I) => Graph<SourceShape<O>, unknown>) {
    super('flatMapConcat');
    requireFunction('flatMapConcat', 'f', f);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new FlatMapConcatLogic(this, attributes.supervisionDecider);
  }
}

class FlatMapConcatLogic<I, O> extends FlattenLogic<I, O, FlatMapConcat<I, O>> {
  private sub: SubSinkInlet<O> | null = null;
  /** An inner source read in place (see `inlineCursor`). */
  private cursor: Cursor | null = null;
  private readonly subHandler: InHandler;
  constructor(stage: FlatMapConcat<I, O>, decider: Decider) {
    super(stage, decider);
    this.subHandler = {
      onPush: () => {
        const sub = this.sub!;
        if (this.isAvailable(this.stage.out)) {
          this.push(this.stage.out, sub.grab());
          sub.pull();
        }
      },
      onUpstreamFinish: () => {
        if (!this.sub!.isAvailable()) this.subDone();
      },
    };
  }

  override preStart(): void {
    this.pull(this.stage.in);
  }

  onPush(): void {
    const s = this.stage;
    const source = this.takeInner();
    if (source === null) return;
    const cursor = this.takenCursor;
    if (cursor !== null) {
      this.cursor = cursor;
      if (cursor.exhausted) return this.subDone();
      if (this.isAvailable(s.out)) this.onPull();
      return;
    }
    const sub = new SubSinkInlet<O>(this, 'FlatMapConcat.sub');
    sub.setHandler(this.subHandler);
    this.sub = sub;
    materializeSubStream(this, source, sub);
    sub.pull();
  }

  onUpstreamFinish(): void {
    if (this.sub === null && this.cursor === null) this.completeStage();
  }

  onPull(): void {
    const out = this.stage.out;
    const cursor = this.cursor;
    if (cursor !== null) {
      let x: unknown;
      try {
        x = cursor.next();
      } catch (e) {
        return this.failStage(e);
      }
      if (x === Done) return this.subDone();
      this.push(out, x as O);
      if (cursor.exhausted) this.subDone();
      return;
    }
    const sub = this.sub;
    if (sub === null || !sub.isAvailable()) return;
    this.push(out, sub.grab());
    if (!sub.isClosed()) sub.pull();
    else this.subDone();
  }

  private subDone(): void {
    this.sub = null;
    this.cursor = null;
    if (this.isClosed(this.stage.in)) this.completeStage();
    else this.pull(this.stage.in);
  }

  override postStop(): void {
    this.sub?.cancel();
    this.cursor?.close();
  }
}
