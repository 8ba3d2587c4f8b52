import type { Attributes, Decider } from '../stage/Attributes.js';
import type { Graph } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import type { SourceShape } from '../stage/Shape.js';
import { materializeSubStream, SubSinkInlet } from '../stage/SubSinkInlet.js';
import { decide, FlowStage } from './FlowStage.js';
import { requireSource } from './flattenInternals.js';
import { requireFunction } from './validate.js';

/**
 * `switchMap(f)`: maps each element to a source with `f` and emits that source's elements until the
 * next element arrives from upstream; then the current source is cancelled (an element it had
 * waiting is discarded) and the new one takes over. Upstream is kept pulled at all times, so a new
 * element can always interrupt. Sources run inside this stage's island. Supervision: resume/restart
 * skip the element for which `f` threw, and the current source keeps running.
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

class SwitchMapLogic<I, O> extends GraphStageLogic implements InHandler, OutHandler {
  private sub: SubSinkInlet<O> | null = null;
  constructor(
    private readonly stage: SwitchMap<I, O>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }

  override preStart(): void {
    this.pull(this.stage.in);
  }

  onPush(): void {
    const s = this.stage;
    let source: Graph<SourceShape<O>, unknown>;
    try {
      source = requireSource(this.stageName, s.f(this.grab(s.in))) as Graph<SourceShape<O>, unknown>;
    } catch (e) {
      if (decide(this.decider, e) === 'stop') return this.failStage(e);
      return this.pull(s.in);
    }
    this.sub?.cancel();
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
    if (this.sub === null) this.completeStage();
  }

  onPull(): void {
    const sub = this.sub;
    if (sub === null || !sub.isAvailable()) return;
    this.push(this.stage.out, sub.grab());
    if (!sub.isClosed()) sub.pull();
    else this.subDone();
  }

  private subDone(): void {
    this.sub = null;
    if (this.isClosed(this.stage.in)) this.completeStage();
  }

  override postStop(): void {
    this.sub?.cancel();
  }
}
