import type { RestartHandle } from '../operators/restartInternals.js';
import type { RestartSettings } from '../operators/restartSettings.js';
import { RestartSource as RestartSourceStage } from '../operators/restartSource.js';
import type { Graph } from '../stage/GraphStage.js';
import type { SourceShape } from '../stage/Shape.js';
import { Source } from './Source.js';

/**
 * Sources that restart the source a factory creates, with exponential backoff — for connections that
 * drop, files that rotate, services that restart. The inner source runs in the same island as the
 * restart stage. The materialized value is a `RestartHandle` exposing the inner source's latest
 * materialized value (a connector's control, say), which changes with every restart.
 *
 * @example
 * const settings = RestartSettings.create(1000, 30_000, 0.2).withMaxRestarts(20, 60_000);
 * const handle = RestartSource.withBackoff(settings, () => Source.fromPromise(fetchBatch()))
 *   .to(Sink.foreach(store))
 *   .run();
 * handle.latest(); // the current inner source's materialized value
 */
export const RestartSource = {
  /**
   * Runs `factory()`'s source; when it completes or fails, starts a new one after a backoff (see
   * `RestartSettings`). Stops for good when downstream cancels, when the restart budget is used up (then
   * it completes, or fails with the last failure), or when a failure does not match `withRestartOn`.
   * The inner source inherits this stage's attributes (supervision included), as in Pekko.
   *
   * - **Emits when** the inner source emits.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** downstream cancels, or the inner source completes/fails and no restart is
   *   allowed any more (a failure is then passed on).
   * - **Cancels when** downstream cancels (the inner source is cancelled too).
   */
  withBackoff<T, M>(settings: RestartSettings, factory: () => Graph<SourceShape<T>, M>): Source<T, RestartHandle<M>> {
    return Source.fromGraph(new RestartSourceStage(settings, factory, false));
  },

  /**
   * Like `withBackoff`, but restarts only when the inner source fails; when it completes, the restart
   * source completes too.
   *
   * - **Emits when** the inner source emits.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** the inner source completes, or it failed and no restart is allowed any more
   *   (the failure is then passed on).
   * - **Cancels when** downstream cancels.
   */
  onFailuresWithBackoff<T, M>(settings: RestartSettings, factory: () => Graph<SourceShape<T>, M>): Source<T, RestartHandle<M>> {
    return Source.fromGraph(new RestartSourceStage(settings, factory, true));
  },
} as const;
