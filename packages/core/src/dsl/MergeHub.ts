import { type DrainingControl, DrainingMergeHubSource, MergeHubSource } from '../operators/mergeHub.js';
import type { NotUsed } from '../stage/GraphStage.js';
import { Sink } from './Sink.js';
import { Source } from './Source.js';

/**
 * A dynamic fan-in: one consumer stream fed by any number of producer streams that attach and leave
 * while it runs.
 *
 * @example
 * const [toHub, done] = MergeHub.source<string>(16).toMat(Sink.foreach(console.log), Keep.both).run();
 * Source.single('a').runWith(toHub); // any number of times, from anywhere
 */
export const MergeHub = {
  /**
   * A source that emits the elements of every stream that runs the Sink it materializes. Each
   * materialization of the source is a new, independent hub. Each producer may have at most
   * `perProducerBufferSize` elements waiting in the hub; a slow consumer back-pressures every producer.
   * Producers that complete or fail are simply removed (a failing producer's own stream fails); the hub
   * runs until it is cancelled, after which running producers are cancelled and new ones cancel at once.
   *
   * - **Emits when** an element from any producer is available and downstream pulls (in arrival order).
   * - **Backpressures when** — the producers are back-pressured: each pulls only while it has credit.
   * - **Completes when** never (it runs until cancelled).
   * - **Cancels when** downstream cancels (every producer is cancelled).
   */
  source<T>(perProducerBufferSize = 16): Source<T, Sink<T, NotUsed>> {
    return Source.fromGraph(new MergeHubSource<T>(perProducerBufferSize)).mapMaterializedValue((g) => Sink.fromGraph(g));
  },

  /**
   * `MergeHub.source` with a way to finish it (Pekko's): materializes the producers' Sink and a
   * `DrainingControl`. `drainAndComplete()` stops accepting producers — one that starts from then on is
   * cancelled at once — and completes the hub source once the producers attached before have completed
   * and their elements were emitted. A graceful shutdown: nothing already accepted is lost.
   *
   * - **Emits when** an element from any producer is available and downstream pulls (in arrival order).
   * - **Backpressures when** — the producers are back-pressured: each pulls only while it has credit.
   * - **Completes when** `drainAndComplete()` was called and every attached producer has completed.
   * - **Cancels when** downstream cancels (every producer is cancelled).
   *
   * @example
   * const [[toHub, control], done] = MergeHub.sourceWithDraining<string>().toMat(Sink.foreach(console.log), Keep.both).run();
   * Source.from(['a', 'b']).runWith(toHub);
   * control.drainAndComplete(); // done resolves once 'a' and 'b' are through
   */
  sourceWithDraining<T>(perProducerBufferSize = 16): Source<T, [Sink<T, NotUsed>, DrainingControl]> {
    return Source.fromGraph(new DrainingMergeHubSource<T>(perProducerBufferSize)).mapMaterializedValue(([g, control]): [Sink<T, NotUsed>, DrainingControl] => [
      Sink.fromGraph(g),
      control,
    ]);
  },
} as const;
