import type { Attributes, Decider } from '../stage/Attributes.js';
import type { GraphStageLogic } from '../stage/GraphStageLogic.js';
import { FlowStage } from './FlowStage.js';
import { StatefulMapLogicBase } from './statefulMapInternals.js';
import { requireFunction } from './validate.js';

/**
 * `statefulMap(create, f, onComplete)`: maps with a state created per materialization. `f` returns
 * `[nextState, output]`. `onComplete(state)` runs exactly once on every termination (see
 * statefulMapInternals.ts); on completion, upstream failure, a `stop` and a `restart` its result (unless
 * `undefined`) is emitted. Supervision: resume drops the element and keeps the state; restart drops it,
 * closes the state with `onComplete` and creates a fresh one.
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

class StatefulMapLogic<S, I, O> extends StatefulMapLogicBase<S, I, O> {
  private readonly f: (state: S, x: I) => readonly [S, O];
  constructor(stage: StatefulMap<S, I, O>, decider: Decider) {
    super(stage.shape, stage.create, stage.onComplete, decider);
    this.f = stage.f;
  }
  protected step(x: I): O {
    const r = this.f(this.state, x);
    this.state = r[0];
    return r[1];
  }
}
