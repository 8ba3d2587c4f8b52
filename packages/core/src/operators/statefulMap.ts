import type { Attributes, Decider } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide, FlowStage } from './FlowStage.js';
import { requireFunction } from './validate.js';

/**
 * `statefulMap(create, f, onComplete)`: maps with a state created per materialization. `f` returns
 * `[nextState, output]`; on completion `onComplete(state)` may return one last element (`undefined` = none).
 * Supervision: resume drops the element and keeps the state; restart drops it and recreates the state.
 */
export class StatefulMap<S, I, O> extends FlowStage<I, O> {
  constructor(
    readonly create: () => S,
    readonly f: (state: S, x: I) => readonly [S, O],
    readonly onComplete: (state: S) => O | undefined,
  ) {
    super('statefulMap');
    requireFunction('statefulMap', 'create', create);
    requireFunction('statefulMap', 'f', f);
    requireFunction('statefulMap', 'onComplete', onComplete);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new StatefulMapLogic(this, attributes.supervisionDecider);
  }
}

class StatefulMapLogic<S, I, O> extends GraphStageLogic implements InHandler, OutHandler {
  private state!: S;
  constructor(
    private readonly stage: StatefulMap<S, I, O>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  override preStart(): void {
    this.state = this.stage.create();
  }
  onPush(): void {
    const s = this.stage;
    let out: O;
    try {
      const r = s.f(this.state, this.grab(s.in));
      this.state = r[0];
      out = r[1];
    } catch (e) {
      const d = decide(this.decider, e);
      if (d === 'stop') return this.failStage(e);
      if (d === 'restart') this.state = s.create();
      this.pull(s.in);
      return;
    }
    this.push(s.out, out);
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
  onUpstreamFinish(): void {
    const last = this.stage.onComplete(this.state);
    if (last === undefined) this.completeStage();
    else this.emit(this.stage.out, last, () => this.completeStage());
  }
}
