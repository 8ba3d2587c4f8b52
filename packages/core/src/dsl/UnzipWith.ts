import { UnzipWith as UnzipWithStage } from '../operators/unzipWith.js';
import type { FanOutShape2 } from '../stage/FanOutShape2.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';

/**
 * Fan-out junction splitting each element with `f` into a pair `[a, b]`: `a` goes to `out0`, `b` to `out1`.
 *
 * - **Emits when** all of the outputs stop backpressuring and there is an input element available.
 * - **Backpressures when** any of the outputs backpressures.
 * - **Completes when** upstream completes.
 * - **Cancels when** any downstream cancels.
 */
export const UnzipWith = {
  create<T, A, B>(f: (x: T) => readonly [A, B]): Graph<FanOutShape2<T, A, B>, NotUsed> {
    return new UnzipWithStage<T, A, B>(f);
  },
};
