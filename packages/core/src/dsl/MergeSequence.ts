import { MergeSequence as MergeSequenceStage } from '../operators/mergeSequence.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';
import type { UniformFanInShape } from '../stage/UniformFanInShape.js';

/**
 * Fan-in junction (Akka's `MergeSequence`): merges `inputs` streams whose elements together carry the
 * consecutive sequence numbers 0, 1, 2, … (`extractSequence`), each input in increasing order, into one
 * stream in sequence order. Typical use: number elements with `zipWithIndex`, split them with
 * `Partition` to process the branches differently, and put them back in their original order. A
 * duplicate, a regression or a gap it can detect (every input completed or holding a later number)
 * fails the stream with `IllegalStateError`.
 *
 * - **Emits when** one of the inputs holds the element with the next sequence number.
 * - **Backpressures when** downstream backpressures (each input then holds at most one element).
 * - **Completes when** all upstreams complete and every held element was emitted.
 * - **Cancels when** downstream cancels.
 */
export const MergeSequence = {
  create<T>(inputs: number, extractSequence: (x: T) => number): Graph<UniformFanInShape<T, T>, NotUsed> {
    return new MergeSequenceStage<T>(inputs, extractSequence);
  },
};
