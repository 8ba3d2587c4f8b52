import { MergePrioritized as MergePrioritizedStage } from '../operators/mergePrioritized.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';
import type { UniformFanInShape } from '../stage/UniformFanInShape.js';
import { junctionFlag } from './junctionOptions.js';
import type { MergeOptions } from './Merge.js';

/**
 * Fan-in junction with one inlet per priority: when several inputs have an element, one is picked at
 * random with probability proportional to its priority (positive integers).
 *
 * - **Emits when** one of the inputs has an element available, preferring inputs by priority if several have.
 * - **Backpressures when** downstream backpressures.
 * - **Completes when** all upstreams complete; with `eagerComplete`, when any upstream completes.
 * - **Cancels when** downstream cancels.
 */
export const MergePrioritized = {
  create<T>(priorities: readonly number[], options: MergeOptions = {}): Graph<UniformFanInShape<T, T>, NotUsed> {
    return new MergePrioritizedStage<T>(priorities, junctionFlag('MergePrioritized', options, 'eagerComplete'));
  },
};
