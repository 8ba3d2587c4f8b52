import { ZipLatestWith as ZipLatestWithStage } from '../operators/zipLatestWith.js';
import type { FanInShape2 } from '../stage/FanInShape2.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';

/**
 * Fan-in junction emitting `f(latestA, latestB)` once both inputs have produced, and then whenever
 * either produces something new (and downstream wants it).
 *
 * - **Emits when** all of the inputs have at least an element available, and then each time an element becomes available on either of the inputs.
 * - **Backpressures when** downstream backpressures.
 * - **Completes when** any upstream completes.
 * - **Cancels when** downstream cancels.
 */
export const ZipLatestWith = {
  create<A, B, O>(f: (a: A, b: B) => O): Graph<FanInShape2<A, B, O>, NotUsed> {
    return new ZipLatestWithStage<A, B, O>(f);
  },
};
