import { CompositeModule } from '../impl/Module.js';
import { RestartSettings } from '../operators/restartSettings.js';
import { RetryCoordinator } from '../operators/retryFlow.js';
import type { Graph } from '../stage/GraphStage.js';
import { FlowShape } from '../stage/Shape.js';
import { Flow } from './Flow.js';

/** Retrying single elements through a flow, with exponential backoff. */
export const RetryFlow = {
  /**
   * Sends each element through `flow`, and passes each result to `decideRetry(input, result)`: if it
   * returns `undefined` the result is emitted; if it returns a new input, that input is sent through
   * `flow` again after a backoff — `min(maxBackoff, minBackoff·2ⁿ)·(1 + random·randomFactor)` ms before
   * retry n+1 — up to `maxRetries` times, after which the last result is emitted. One element is in
   * flight at a time. `flow` must emit exactly one element per element (it must not filter, reorder or
   * multiply), and is materialized once (it is not restarted). Materializes `flow`'s value.
   *
   * Supervision when `decideRetry` throws: `stop` fails the stream; `resume`/`restart` drop the element.
   *
   * - **Emits when** `flow` emitted a result that is not retried (or the retries are used up).
   * - **Backpressures when** downstream backpressures, or an element is in flight (being retried).
   * - **Completes when** upstream completed and no element is in flight, or `flow` completes.
   * - **Cancels when** downstream cancels, or `flow` cancels.
   *
   * @example
   * const call = Flow.create<Request>().mapAsync(1, send); // emits a Response per Request
   * const retrying = RetryFlow.withBackoff(100, 5_000, 0.2, 3, call, (req, res) => (res.status === 503 ? req : undefined));
   */
  withBackoff<I, O, M>(
    minBackoff: number,
    maxBackoff: number,
    randomFactor: number,
    maxRetries: number,
    flow: Graph<FlowShape<I, O>, M>,
    decideRetry: (input: I, result: O) => I | undefined,
  ): Flow<I, O, M> {
    let backoff: RestartSettings;
    try {
      backoff = new RestartSettings(minBackoff, maxBackoff, randomFactor);
    } catch (e) {
      throw e instanceof RangeError ? new RangeError(e.message.replace(/^RestartSettings/, 'RetryFlow.withBackoff')) : e;
    }
    if (!flow || !(flow.shape instanceof FlowShape)) throw new TypeError('RetryFlow.withBackoff: flow must be a flow-shaped graph');
    const coordinator = new RetryCoordinator<I, O>(backoff, maxRetries, decideRetry);
    // coordinator (0): inlets [externalIn, internalIn], outlets [internalOut, externalOut]; flow (1)
    const module = new CompositeModule([coordinator.module, flow.module], [0, 0, 1, 0, 1, 0, 0, 1], [0, 0], [0, 1], (values) => values[1], null);
    return new Flow<I, O, M>(new FlowShape(coordinator.externalIn, coordinator.externalOut), module);
  },
} as const;
