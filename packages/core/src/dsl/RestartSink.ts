import type { RestartHandle } from '../operators/restartInternals.js';
import type { RestartSettings } from '../operators/restartSettings.js';
import { RestartSink as RestartSinkStage } from '../operators/restartSink.js';
import type { Graph } from '../stage/GraphStage.js';
import type { SinkShape } from '../stage/Shape.js';
import { Sink } from './Sink.js';

/**
 * Sinks that restart the sink a factory creates, with exponential backoff. The materialized value is
 * a `RestartHandle` exposing the latest inner sink's materialized value (e.g. its result promise).
 */
export const RestartSink = {
  /**
   * Feeds `factory()`'s sink; when it cancels or fails, starts a new one after a backoff (see
   * `RestartSettings`). An element that was waiting for the inner sink is kept for the next one. The
   * inner sink inherits this stage's attributes (supervision included), as in Pekko.
   *
   * - **Backpressures when** the inner sink backpressures (or while backing off).
   * - **Completes when** upstream completes (the inner sink is completed).
   * - **Cancels when** the inner sink cancels or fails and no restart is allowed any more (a failure
   *   is passed upstream as the cancellation cause).
   */
  withBackoff<T, M>(settings: RestartSettings, factory: () => Graph<SinkShape<T>, M>): Sink<T, RestartHandle<M>> {
    return Sink.fromGraph(new RestartSinkStage(settings, factory));
  },
} as const;
