import { ZipWith as ZipWithStage } from '../operators/zipWith.js';
import type { FanInShape2 } from '../stage/FanInShape2.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';

/**
 * Fan-in junction combining one element of `in0` and one of `in1` with `f`.
 *
 * - **Emits when** all of the inputs have an element available.
 * - **Backpressures when** downstream backpressures.
 * - **Completes when** any upstream completes (and no element of it is left waiting).
 * - **Cancels when** downstream cancels.
 */
export const ZipWith = {
  create<A, B, O>(f: (a: A, b: B) => O): Graph<FanInShape2<A, B, O>, NotUsed> {
    return new ZipWithStage<A, B, O>(f);
  },
};
