import { ZipLatestWith as ZipLatestWithStage } from '../operators/zipLatestWith.js';
import { pair } from '../operators/zipWith.js';
import type { FanInShape2 } from '../stage/FanInShape2.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';

/**
 * Fan-in junction emitting `[latestA, latestB]` once both inputs have produced, and then whenever
 * either produces something new (and downstream wants it).
 *
 * - **Emits when** all of the inputs have at least an element available, and then each time an element becomes available on either of the inputs.
 * - **Backpressures when** downstream backpressures.
 * - **Completes when** any upstream completes.
 * - **Cancels when** downstream cancels.
 */
export const ZipLatest = {
  create<A, B>(): Graph<FanInShape2<A, B, [A, B]>, NotUsed> {
    return new ZipLatestWithStage<A, B, [A, B]>(pair, 'ZipLatest');
  },
};
