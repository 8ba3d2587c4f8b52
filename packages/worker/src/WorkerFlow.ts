import { Flow } from '@tributary/core';
import { workerFlowSettings } from './internal/settings.js';
import { WorkerFlowStage } from './internal/WorkerFlowStage.js';
import type { WorkerFlowHandle } from './WorkerFlowHandle.js';
import type { PartitionedWorkerFlowOptions, WorkerFlowOptions } from './WorkerFlowOptions.js';

/**
 * Flows that run on worker threads. The flow itself lives in a module (its default export, or the
 * export named by `exportName`): a `Flow` blueprint, or a function of `workerData` returning one
 * (possibly through a promise). Each worker thread imports the module and materializes the flow once,
 * as an island of its own on that thread's event loop; elements cross in batches by structured clone
 * (buffers marked with `transfer()` are moved, not copied), with credit-based demand both ways. See
 * docs/worker.md.
 */
export const WorkerFlow = {
  /**
   * A flow whose elements are processed by the flow exported from `moduleUrl`, running in `threads`
   * worker threads (default 1), balanced across them. With `ordered: true` (the default) the outputs
   * keep the order of the inputs; with more than one thread that requires the flow to emit exactly one
   * element per input (each output is paired with its input); `ordered: false` emits outputs as the
   * workers produce them. The materialized value is a {@link WorkerFlowHandle} (thread ids, `ready`,
   * `terminated`, `restarts`).
   *
   * Inside a worker the flow sees the stream as it would in one process: its elements in order, the
   * completion or the failure of upstream after them, and cancellation when downstream cancels.
   *
   * - **Emits when** a worker's flow has produced an element and downstream demands one (ordered: when
   *   the output for the oldest unanswered input has arrived).
   * - **Backpressures when** no worker can take an element: every worker has `bufferSize` elements
   *   waiting for its flow (its credit is used up) — which happens when downstream does not take
   *   outputs (each worker stops after `bufferSize` outputs wait in the main thread) or the flow is slower
   *   than upstream.
   * - **Completes when** upstream has completed and every worker's flow has completed and all outputs were
   *   emitted; or when a worker's flow stopped taking input (e.g. `take`), upstream is cancelled and the
   *   flows complete.
   * - **Cancels when** downstream cancels (each worker's flow is cancelled, then its thread ends), or a
   *   worker's flow cancels its input.
   *
   * Fails with the error of a worker's flow (same class for built-in errors, same message and stack, the
   * worker stage where it started in `workerStage`), after the outputs that preceded it; with a
   * {@link WorkerDiedError} when a worker thread dies (unless `restart` replaces it); with a
   * {@link WorkerFlowOrderingError} when an ordered multi-thread flow does not emit one element per input.
   * No worker thread outlives the stream.
   *
   * @example
   * // score.ts (runs in the workers):  export default Flow.create<Reading>().map(scoreReading);
   * const scored = await Source.from(readings)
   *   .via(WorkerFlow.create<Reading, Score>(new URL('./score.js', import.meta.url), { threads: 2 }))
   *   .runWith(Sink.seq());
   */
  create<In, Out>(moduleUrl: string | URL, options: WorkerFlowOptions = {}): Flow<In, Out, WorkerFlowHandle> {
    const settings = workerFlowSettings('WorkerFlow.create', moduleUrl, options, false);
    return Flow.fromGraph(new WorkerFlowStage(settings)) as unknown as Flow<In, Out, WorkerFlowHandle>;
  },

  /**
   * A flow processed by the flow exported from `moduleUrl` in `threads` worker threads, where the key
   * of each element (`partitionBy`) picks its worker: elements with equal keys go through the same
   * worker, so their order — and any state the flow keeps per key — is kept, while different keys are
   * processed in parallel. Outputs of different workers are emitted as they come. Works for any flow
   * (no one-output-per-input requirement). The materialized value is a {@link WorkerFlowHandle}.
   *
   * - **Emits when** a worker's flow has produced an element and downstream demands one.
   * - **Backpressures when** the worker of the next element's key has `bufferSize` elements waiting for
   *   its flow (that element waits, and with it the stream, as in `Partition`).
   * - **Completes when** upstream has completed, every worker's flow has completed and all outputs were
   *   emitted (or a worker's flow stopped taking input, see `create`).
   * - **Cancels when** downstream cancels, or a worker's flow cancels its input.
   *
   * Fails as `create` does; `partitionBy` throwing follows the stream's supervision strategy
   * (`resume`/`restart` drop the element).
   *
   * @example
   * const perDevice = WorkerFlow.partitioned<Reading, Summary>(new URL('./summarize.js', import.meta.url), {
   *   threads: 4,
   *   partitionBy: (r) => r.deviceId,
   * });
   */
  partitioned<In, Out>(moduleUrl: string | URL, options: PartitionedWorkerFlowOptions<In>): Flow<In, Out, WorkerFlowHandle> {
    const settings = workerFlowSettings('WorkerFlow.partitioned', moduleUrl, options as PartitionedWorkerFlowOptions<unknown>, true);
    return Flow.fromGraph(new WorkerFlowStage(settings)) as unknown as Flow<In, Out, WorkerFlowHandle>;
  },
};
