import { toArray, ZipWithN as ZipWithNStage } from '../operators/zipWithN.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';
import type { UniformFanInShape } from '../stage/UniformFanInShape.js';

/**
 * Fan-in junction emitting an array of one element from each of its `inputs`.
 *
 * - **Emits when** all of the inputs have an element available.
 * - **Backpressures when** downstream backpressures.
 * - **Completes when** any upstream completes (and no element of it is left waiting).
 * - **Cancels when** downstream cancels.
 */
export const ZipN = {
  create<T>(inputs: number): Graph<UniformFanInShape<T, T[]>, NotUsed> {
    return new ZipWithNStage<T, T[]>(toArray, inputs, 'ZipN');
  },
};
