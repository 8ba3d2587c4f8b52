import { Merge as MergeStage } from '../operators/merge.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';
import type { UniformFanInShape } from '../stage/UniformFanInShape.js';
import { junctionFlag } from './junctionOptions.js';

export interface MergeOptions {
  /** Complete as soon as any input completes (default: when all have). */
  readonly eagerComplete?: boolean;
}

/**
 * Fan-in junction: emits the elements of all inputs as they arrive (first come, first served).
 *
 * - **Emits when** one of the inputs has an element available.
 * - **Backpressures when** downstream backpressures.
 * - **Completes when** all upstreams complete; with `eagerComplete`, when any upstream completes.
 * - **Cancels when** downstream cancels.
 */
export const Merge = {
  create<T>(inputs: number, options: MergeOptions = {}): Graph<UniformFanInShape<T, T>, NotUsed> {
    return new MergeStage<T>(inputs, junctionFlag('Merge', options, 'eagerComplete'));
  },
};
