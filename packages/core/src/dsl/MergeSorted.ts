import { MergeSorted as MergeSortedStage, naturalOrder } from '../operators/mergeSorted.js';
import type { FanInShape2 } from '../stage/FanInShape2.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';

/**
 * Fan-in junction merging two sorted inputs (`in0`, `in1`) into one sorted output, by `compare`
 * (default: `<`). On ties the element of `in1` goes first.
 *
 * - **Emits when** both inputs have an element available (or one has completed) — the smaller goes out.
 * - **Backpressures when** downstream backpressures.
 * - **Completes when** both upstreams complete.
 * - **Cancels when** downstream cancels.
 */
export const MergeSorted = {
  create<T>(compare: (a: T, b: T) => number = naturalOrder): Graph<FanInShape2<T, T, T>, NotUsed> {
    return new MergeSortedStage<T>(compare);
  },
};
