import { Partition as PartitionStage } from '../operators/partition.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';
import type { UniformFanOutShape } from '../stage/UniformFanOutShape.js';
import { junctionFlag } from './junctionOptions.js';

export interface PartitionOptions {
  /** Cancel as soon as any output cancels (default: only when all have). */
  readonly eagerCancel?: boolean;
}

/**
 * Fan-out junction sending each element to the one output `partitioner(element)` picks (an index in
 * `0 … outputs-1`; anything else fails the stream with a `RangeError` naming the index and element).
 * Elements routed to an output that has cancelled are dropped.
 *
 * - **Emits when** an element is available from the input and the chosen output has demand.
 * - **Backpressures when** the chosen output backpressures.
 * - **Completes when** upstream completes.
 * - **Cancels when** all downstreams cancel; with `eagerCancel`, when any downstream cancels.
 */
export const Partition = {
  create<T>(outputs: number, partitioner: (x: T) => number, options: PartitionOptions = {}): Graph<UniformFanOutShape<T, T>, NotUsed> {
    return new PartitionStage<T>(outputs, partitioner, junctionFlag('Partition', options, 'eagerCancel'));
  },
};
