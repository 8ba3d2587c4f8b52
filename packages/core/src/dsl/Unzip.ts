import { asPair, UnzipWith as UnzipWithStage } from '../operators/unzipWith.js';
import type { FanOutShape2 } from '../stage/FanOutShape2.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';

/**
 * Fan-out junction splitting a stream of pairs `[a, b]`: `a` goes to `out0`, `b` to `out1`.
 *
 * - **Emits when** all of the outputs stop backpressuring and there is an input element available.
 * - **Backpressures when** any of the outputs backpressures.
 * - **Completes when** upstream completes.
 * - **Cancels when** any downstream cancels.
 */
export const Unzip = {
  create<A, B>(): Graph<FanOutShape2<readonly [A, B], A, B>, NotUsed> {
    return new UnzipWithStage<readonly [A, B], A, B>(asPair, 'Unzip');
  },
};
