import { pair, ZipWith as ZipWithStage } from '../operators/zipWith.js';
import type { FanInShape2 } from '../stage/FanInShape2.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';

/**
 * Fan-in junction pairing one element of `in0` with one of `in1`: emits `[a, b]`.
 *
 * - **Emits when** all of the inputs have an element available.
 * - **Backpressures when** downstream backpressures.
 * - **Completes when** any upstream completes (and no element of it is left waiting).
 * - **Cancels when** downstream cancels.
 */
export const Zip = {
  create<A, B>(): Graph<FanInShape2<A, B, [A, B]>, NotUsed> {
    return new ZipWithStage<A, B, [A, B]>(pair, 'Zip');
  },
};
