import { Broadcast as BroadcastStage } from '../operators/broadcast.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';
import type { UniformFanOutShape } from '../stage/UniformFanOutShape.js';
import { junctionFlag } from './junctionOptions.js';

export interface BroadcastOptions {
  /** Cancel as soon as any output cancels (default: only when all have). */
  readonly eagerCancel?: boolean;
}

/**
 * Fan-out junction: emits every element to all of its outputs.
 *
 * - **Emits when** all of the outputs stop backpressuring and there is an input element available.
 * - **Backpressures when** any of the outputs backpressures.
 * - **Completes when** upstream completes.
 * - **Cancels when** all downstreams cancel; with `eagerCancel`, when any downstream cancels.
 *
 * @example
 * const bcast = b.add(Broadcast.create<number>(2));
 */
export const Broadcast = {
  create<T>(outputs: number, options: BroadcastOptions = {}): Graph<UniformFanOutShape<T, T>, NotUsed> {
    return new BroadcastStage<T>(outputs, junctionFlag('Broadcast', options, 'eagerCancel'));
  },
};
