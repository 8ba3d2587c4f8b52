import { BroadcastHubSink } from '../operators/broadcastHub.js';
import type { NotUsed } from '../stage/GraphStage.js';
import { Sink } from './Sink.js';
import { Source } from './Source.js';

/**
 * A dynamic fan-out: one producer stream broadcast to any number of consumer streams that attach and
 * leave while it runs.
 *
 * @example
 * const events = Source.tick(0, 1000, 'tick').runWith(BroadcastHub.sink<string>(64));
 * events.runForeach((x) => console.log('a', x)); // any number of consumers
 */
export const BroadcastHub = {
  /**
   * A sink that materializes a Source; every run of that Source receives the elements the sink
   * consumes from then on (starting with the oldest element the hub still keeps). `bufferSize` (a power
   * of two below 4096) bounds how far the fastest consumer may get ahead of the slowest: when the buffer
   * is full the hub back-pressures its upstream. With no consumer attached the hub keeps up to
   * `bufferSize` elements and then back-pressures. Completion reaches each consumer after it read the
   * buffer; failure reaches them at once. Both are remembered for consumers that attach later.
   *
   * - **Backpressures when** the slowest consumer is `bufferSize` elements behind (or no consumer is
   *   attached and the buffer is full).
   * - **Completes when** upstream completes.
   * - **Cancels when** never on its own (consumers leaving do not cancel the hub).
   */
  sink<T>(bufferSize = 256): Sink<T, Source<T, NotUsed>> {
    return Sink.fromGraph(new BroadcastHubSink<T>(bufferSize)).mapMaterializedValue((g) => Source.fromGraph(g));
  },
} as const;
