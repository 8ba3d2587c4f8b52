import { MergeLatest as MergeLatestStage } from '../operators/mergeLatest.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';
import type { UniformFanInShape } from '../stage/UniformFanInShape.js';
import { junctionFlag } from './junctionOptions.js';
import type { MergeOptions } from './Merge.js';

/**
 * Fan-in junction emitting, once every input has produced an element, an array of the latest element
 * of each input whenever any of them produces a new one.
 *
 * - **Emits when** an element is available from some input and each input has emitted at least one element.
 * - **Backpressures when** downstream backpressures.
 * - **Completes when** all upstreams complete; with `eagerComplete`, when any upstream completes.
 * - **Cancels when** downstream cancels.
 */
export const MergeLatest = {
  create<T>(inputs: number, options: MergeOptions = {}): Graph<UniformFanInShape<T, T[]>, NotUsed> {
    return new MergeLatestStage<T>(inputs, junctionFlag('MergeLatest', options, 'eagerComplete'));
  },
};
