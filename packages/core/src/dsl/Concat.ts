import { Concat as ConcatStage } from '../operators/concat.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';
import type { UniformFanInShape } from '../stage/UniformFanInShape.js';
import { junctionFlag } from './junctionOptions.js';

export interface ConcatOptions {
  /**
   * Pull every input once at start and keep a one-element buffer per input (default true, as in Akka;
   * useful to break deadlocks in cycles). With false an input is pulled only when it is current.
   */
  readonly detachedInputs?: boolean;
}

/**
 * Fan-in junction emitting all elements of `in(0)`, then all of `in(1)`, and so on.
 *
 * - **Emits when** the current input has an element available; when it completes, the next one is used.
 * - **Backpressures when** downstream backpressures.
 * - **Completes when** all upstreams complete.
 * - **Cancels when** downstream cancels.
 */
export const Concat = {
  create<T>(inputs = 2, options: ConcatOptions = {}): Graph<UniformFanInShape<T, T>, NotUsed> {
    return new ConcatStage<T>(inputs, options.detachedInputs === undefined ? true : junctionFlag('Concat', options, 'detachedInputs'));
  },
};
