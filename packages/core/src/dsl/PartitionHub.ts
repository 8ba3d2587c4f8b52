import { type ConsumerInfo, indexPartitioner, PartitionHubSink, type StatefulPartitioner } from '../operators/partitionHub.js';
import type { NotUsed } from '../stage/GraphStage.js';
import { Sink } from './Sink.js';
import { Source } from './Source.js';

export type { ConsumerInfo } from '../operators/partitionHub.js';

/**
 * A dynamic router: one producer stream whose elements each go to exactly one of any number of
 * consumer streams that attach and leave while it runs.
 *
 * @example
 * const fromHub = Source.range(0, 99).runWith(PartitionHub.sink<number>((size, x) => x % size, 2, 256));
 * fromHub.runForeach((x) => console.log('even/odd 1', x));
 * fromHub.runForeach((x) => console.log('even/odd 2', x));
 */
export const PartitionHub = {
  /**
   * A sink that materializes a Source; each element goes to the consumer whose index (0 ≤ i < number
   * of consumers, in the order they attached) `partitioner(numberOfConsumers, element)` returns. Nothing
   * is pulled until `startAfterNrOfConsumers` consumers are attached. `bufferSize` is the total number
   * of elements queued for all consumers; when it is reached the hub back-pressures. An index out of
   * range fails the hub (the error names it). Elements queued for a consumer that cancels are discarded.
   *
   * Supervision when `partitioner` throws: `stop` fails the hub; `resume`/`restart` drop the element.
   *
   * - **Backpressures when** the queues hold `bufferSize` elements, or fewer than
   *   `startAfterNrOfConsumers` consumers have attached so far.
   * - **Completes when** upstream completes (each consumer completes after emitting its queue).
   * - **Cancels when** never on its own.
   */
  sink<T>(partitioner: (numberOfConsumers: number, element: T) => number, startAfterNrOfConsumers: number, bufferSize = 256): Sink<T, Source<T, NotUsed>> {
    const create = indexPartitioner('PartitionHub.sink', partitioner);
    return Sink.fromGraph(new PartitionHubSink<T>(create, startAfterNrOfConsumers, bufferSize, 'PartitionHub.sink')).mapMaterializedValue((g) =>
      Source.fromGraph(g),
    );
  },

  /**
   * Like `sink`, with a partitioner created afresh for each materialization (so it may keep state, e.g.
   * for round-robin) that sees the consumers' ids and queue sizes and returns the id of the consumer
   * to route to. Supervision `restart` creates a new partitioner.
   */
  statefulSink<T>(
    createPartitioner: () => (info: ConsumerInfo, element: T) => number,
    startAfterNrOfConsumers: number,
    bufferSize = 256,
  ): Sink<T, Source<T, NotUsed>> {
    return Sink.fromGraph(
      new PartitionHubSink<T>(createPartitioner as () => StatefulPartitioner<T>, startAfterNrOfConsumers, bufferSize, 'PartitionHub.statefulSink'),
    ).mapMaterializedValue((g) => Source.fromGraph(g));
  },
} as const;
