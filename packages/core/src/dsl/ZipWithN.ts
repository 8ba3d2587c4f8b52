import { ZipWithN as ZipWithNStage } from '../operators/zipWithN.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';
import type { UniformFanInShape } from '../stage/UniformFanInShape.js';

/**
 * Fan-in junction combining one element from each of its `inputs` with `f` (which receives a reused
 * array: copy it if you keep it).
 *
 * - **Emits when** all of the inputs have an element available.
 * - **Backpressures when** downstream backpressures.
 * - **Completes when** any upstream completes (and no element of it is left waiting).
 * - **Cancels when** downstream cancels.
 */
export const ZipWithN = {
  create<T, O>(f: (xs: readonly T[]) => O, inputs: number): Graph<UniformFanInShape<T, O>, NotUsed> {
    return new ZipWithNStage<T, O>(f, inputs);
  },
};
