import { RestartFlow as RestartFlowStage } from '../operators/restartFlow.js';
import type { RestartHandle } from '../operators/restartInternals.js';
import type { RestartSettings } from '../operators/restartSettings.js';
import type { Graph } from '../stage/GraphStage.js';
import type { FlowShape } from '../stage/Shape.js';
import { Flow } from './Flow.js';

/**
 * Flows that restart the flow a factory creates, with exponential backoff. Elements inside the flow
 * when it fails are lost (at-most-once); the element waiting to enter it goes to the next one. The
 * materialized value is a `RestartHandle` exposing the latest inner flow's materialized value.
 */
export const RestartFlow = {
  /**
   * Runs elements through `factory()`'s flow; when it completes, cancels or fails, starts a new one
   * after a backoff (see `RestartSettings`). The inner flow inherits this stage's attributes
   * (supervision included), as in Pekko.
   *
   * - **Emits when** the inner flow emits.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes and the inner flow completed, or the inner flow ended and
   *   no restart is allowed any more (a failure is then passed on).
   * - **Cancels when** downstream cancels.
   */
  withBackoff<I, O, M>(settings: RestartSettings, factory: () => Graph<FlowShape<I, O>, M>): Flow<I, O, RestartHandle<M>> {
    return Flow.fromGraph(new RestartFlowStage(settings, factory, false));
  },

  /**
   * Like `withBackoff`, but restarts only when the inner flow fails; its completion completes the
   * restart flow, and its cancelling (without failure) cancels upstream.
   *
   * - **Emits when** the inner flow emits.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** the inner flow completes, or it failed and no restart is allowed any more.
   * - **Cancels when** downstream cancels, or the inner flow cancels without failing.
   */
  onFailuresWithBackoff<I, O, M>(settings: RestartSettings, factory: () => Graph<FlowShape<I, O>, M>): Flow<I, O, RestartHandle<M>> {
    return Flow.fromGraph(new RestartFlowStage(settings, factory, true));
  },
} as const;
