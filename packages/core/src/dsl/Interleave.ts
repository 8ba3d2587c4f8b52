import { Interleave as InterleaveStage } from '../operators/interleave.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';
import type { UniformFanInShape } from '../stage/UniformFanInShape.js';
import { junctionFlag } from './junctionOptions.js';

export interface InterleaveOptions {
  /** Complete as soon as any input completes (default: when all have). */
  readonly eagerClose?: boolean;
}

/**
 * Fan-in junction emitting `segmentSize` elements from each input in turn (round-robin), skipping
 * inputs that completed.
 *
 * - **Emits when** the current input has an element available.
 * - **Backpressures when** downstream backpressures.
 * - **Completes when** all upstreams complete; with `eagerClose`, when any upstream completes.
 * - **Cancels when** downstream cancels.
 */
export const Interleave = {
  create<T>(inputs: number, segmentSize: number, options: InterleaveOptions = {}): Graph<UniformFanInShape<T, T>, NotUsed> {
    return new InterleaveStage<T>(inputs, segmentSize, junctionFlag('Interleave', options, 'eagerClose'));
  },
};
