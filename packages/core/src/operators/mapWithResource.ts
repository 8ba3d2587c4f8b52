import type { Attributes, Decider } from '../stage/Attributes.js';
import type { GraphStageLogic } from '../stage/GraphStageLogic.js';
import { FlowStage } from './FlowStage.js';
import { StatefulMapLogicBase } from './statefulMapInternals.js';
import { requireFunction } from './validate.js';

/**
 * `mapWithResource(create, f, close)`: `statefulMap` whose state is a resource (as in Pekko, where it is
 * built from statefulMap). The resource is opened when the stage starts, every element is mapped with
 * `f(resource, x)`, and `close(resource)` runs exactly once however the stage ends; on completion,
 * upstream failure, a `stop` and a `restart` the element it returns (unless `undefined`) is emitted.
 *
 * Supervision when `f` throws: `resume` drops the element; `restart` drops it, closes the resource
 * (emitting what `close` returns) and opens a new one; `stop` closes the resource (emitting what `close`
 * returns) and fails with `f`'s error.
 */
export class MapWithResource<R, I, O> extends FlowStage<I, O> {
  constructor(
    readonly create: () => R,
    readonly f: (resource: R, x: I) => O,
    readonly close: (resource: R) => O | undefined,
  ) {
    super('mapWithResource');
    requireFunction('mapWithResource', 'create', create);
    requireFunction('mapWithResource', 'f', f);
    requireFunction('mapWithResource', 'close', close);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new MapWithResourceLogic(this, attributes.supervisionDecider);
  }
}

class MapWithResourceLogic<R, I, O> extends StatefulMapLogicBase<R, I, O> {
  private readonly f: (resource: R, x: I) => O;
  constructor(stage: MapWithResource<R, I, O>, decider: Decider) {
    super(stage.shape, stage.create, stage.close, decider);
    this.f = stage.f;
  }
  protected step(x: I): O {
    return this.f(this.state, x);
  }
}
