/**
 * `@tributary/worker` — part of a stream on worker threads: a flow that runs as its own island on
 * other cores, back-pressured across the thread boundary.
 *
 * @module @tributary/worker
 */
export { WorkerFlow } from './WorkerFlow.js';
export type { WorkerFlowOptions, PartitionedWorkerFlowOptions } from './WorkerFlowOptions.js';
export type { WorkerFlowHandle } from './WorkerFlowHandle.js';
export { WorkerDiedError, WorkerFlowOrderingError } from './errors.js';
export { transfer, type Transferable } from './transfer.js';
