import type { Attributes } from '../stage/Attributes.js';
import type { GraphStageLogic } from '../stage/GraphStageLogic.js';
import { FlowStage } from './FlowStage.js';
import { MapConcatLogic } from './mapConcat.js';
import { describe, requireFunction } from './validate.js';

/**
 * `statefulMapConcat(create)`: `mapConcat` with a function made afresh by `create()` for each
 * materialization — the function closes over its own mutable state. Runs on mapConcat's logic (lazy
 * iterables, `return()` on cancellation). Supervision: `resume` drops the element (the state is kept),
 * `restart` drops it and calls `create()` again for a fresh function and state.
 */
export class StatefulMapConcat<I, O> extends FlowStage<I, O> {
  constructor(readonly create: () => (x: I) => Iterable<O>) {
    super('statefulMapConcat');
    requireFunction('statefulMapConcat', 'create', create);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new MapConcatLogic<I, O>(this, attributes.supervisionDecider, () => {
      const f = this.create();
      if (typeof f !== 'function') throw new TypeError(`statefulMapConcat: create must return a function, got ${describe(f)}`);
      return f;
    });
  }
}
