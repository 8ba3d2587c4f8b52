import type { Attributes, Decider } from '../stage/Attributes.js';
import type { Graph } from '../stage/GraphStage.js';
import type { GraphStageLogic } from '../stage/GraphStageLogic.js';
import type { SourceShape } from '../stage/Shape.js';
import { materializeSubStream, SubSinkInlet } from '../stage/SubSinkInlet.js';
import { type Cursor, Done } from './cursor.js';
import { FlowStage } from './FlowStage.js';
import { FlattenLogic } from './flattenInternals.js';
import { requireFunction } from './validate.js';

/**
 * `switchMap(f)`: maps each element to a source with `f` and emits that source's elements until the
 * next element arrives from upstream; then the current source is cancelled (an element it had
 * waiting is discarded) and the new one takes over. Upstream is kept pulled at all times, so a new
 * element can always interrupt. Sources run inside this stage's island. Supervision: resume/restart
 * skip the element for which `f` threw, and the current source keeps running.
 *
 * Sources that need no stage of their own (`Source.single`, `Source.empty`, a plain synchronous
 * `Source.range` / `Source.from(iterable)`: see flatMapConcat) are not materialized: they are read
 * through their cursor on demand, so they read no element ahead (none is discarded when a new element
 * takes over) and do not show in diagrams or snapshots; elements, demand and completion are unchanged.
 */
export class SwitchMap<I, O> extends FlowStage<I, O> {
  constructor(readonly f: (x: I) => Graph<SourceShape<O>, unknown>) {
    super('switchMap');
    requireFunction('switchMap', 'f', f);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new SwitchMapLogic(this, attributes.supervisionDecider);
  }
}

class SwitchMapLogic<I, O> extends FlattenLogic<I, O, SwitchMap<I, O>> {
  private sub: SubSinkInlet<O> | null = null;
  /** The current inner source when read in place (see `inlineCursor`). */
  private cursor: Cursor | null = null;
  constructor(stage: SwitchMap<I, O>, decider: Decider) {
    super(stage, decider);
  }

  override preStart(): void {
    this.pull(this.stage.in);
  }

  onPush(): void {
    const s = this.stage;
    const source = this.takeInner();
    if (source === null) return;
    const cursor = this.takenCursor;
    this.sub?.cancel();
    this.sub = null;
    this.cursor?.close();
    this.cursor = null;
    if (cursor !== null) {
      this.pull(s.in);
      if (cursor.exhausted) return this.subDone();
      this.cursor = cursor;
      if (this.isAvailable(s.out)) this.onPull();
      return;
    }
    const sub = new SubSinkInlet<O>(this, 'SwitchMap.sub');
    this.sub = sub;
    sub.setHandler({
      onPush: () => {
        if (this.sub !== sub) return;
        if (this.isAvailable(this.stage.out)) {
          this.push(this.stage.out, sub.grab());
          sub.pull();
        }
      },
      onUpstreamFinish: () => {
        if (this.sub === sub && !sub.isAvailable()) this.subDone();
      },
    });
    materializeSubStream(this, source, sub);
    sub.pull();
    this.pull(s.in);
  }

  onUpstreamFinish(): void {
    if (this.sub === null && this.cursor === null) this.completeStage();
  }

  onPull(): void {
    const cursor = this.cursor;
    if (cursor !== null) {
      let x: unknown;
      try {
        x = cursor.next();
      } catch (e) {
        return this.failStage(e);
      }
      if (x === Done) return this.subDone();
      this.push(this.stage.out, x as O);
      if (cursor.exhausted) this.subDone();
      return;
    }
    const sub = this.sub;
    if (sub === null || !sub.isAvailable()) return;
    this.push(this.stage.out, sub.grab());
    if (!sub.isClosed()) sub.pull();
    else this.subDone();
  }

  private subDone(): void {
    this.sub = null;
    this.cursor = null;
    if (this.isClosed(this.stage.in)) this.completeStage();
  }

  override postStop(): void {
    this.sub?.cancel();
    this.cursor?.close();
  }
}
