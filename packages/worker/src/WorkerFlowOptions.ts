import type { ResourceLimits, SHARE_ENV } from 'node:worker_threads';
import type { RestartSettings } from '@tributary/core';

/** Options of `WorkerFlow.create` (all optional). */
export interface WorkerFlowOptions {
  /** Worker threads, each running its own materialization of the flow (default 1). */
  readonly threads?: number;
  /**
   * Keep input order at the output (default `true`). With one thread order is kept for any flow. With
   * more, each output is paired with its input by position, so the flow must emit exactly one element
   * per input (as `mapAsync` does); otherwise use `ordered: false` (outputs as they come) or
   * `WorkerFlow.partitioned` (order per key).
   */
  readonly ordered?: boolean;
  /**
   * Elements buffered per worker in each direction (default 512): at most this many elements wait in a
   * worker for its flow, and at most this many of its outputs wait in the main thread for downstream.
   * Demand is granted back in windows of half of it.
   */
  readonly bufferSize?: number;
  /** Elements per message across the thread boundary, at most (default 128, at most `bufferSize`). */
  readonly batchSize?: number;
  /** The module's export that holds the flow (default `"default"`). */
  readonly exportName?: string;
  /** Passed (structured-cloned) to the export when it is a function: `export default (data) => Flow…`. */
  readonly workerData?: unknown;
  /**
   * Replace a worker that dies (uncaught error outside the flow, `process.exit`, out of memory) with a
   * new one, with the backoff and budget of these settings (`maxRestarts`, `restartOn` see the error,
   * a `WorkerDiedError`). Without it a dying worker fails the stream. Failures *of the flow* are not
   * restarted: they fail the stream (use supervision or `RestartFlow` inside the module for those).
   */
  readonly restart?: RestartSettings;
  /** The same as `restart` (for those who look for the settings by their class name). */
  readonly restartSettings?: RestartSettings;
  /**
   * What happens to the elements a dead worker had been sent and not answered, when it is replaced:
   * `"retry"` (default) sends them again to its replacement, first and in order; `"drop"` gives them up
   * and says how many in the restart report. See docs/worker.md for the exact guarantees.
   */
  readonly inFlight?: 'retry' | 'drop';
  /** Node's `resourceLimits` for each worker thread (heap sizes, stack size). */
  readonly resourceLimits?: ResourceLimits;
  /** Environment of the worker threads (default: a copy of `process.env`; `SHARE_ENV` to share it). */
  readonly env?: Readonly<Record<string, string | undefined>> | typeof SHARE_ENV;
  /** Node options of the worker threads (default: inherited from the main thread). */
  readonly execArgv?: readonly string[];
  /**
   * A module imported in each worker before the flow's module, to install module loader hooks; if it
   * exports a `register` function, that is called. Default: when the module (or this package itself,
   * run from source) is TypeScript, `tsx`'s loader API (`tsx/esm/api`), found from the module's folder,
   * the working directory or this package. `false`: no loader.
   */
  readonly loader?: string | URL | false;
  /** How long a worker that was asked to stop may take to run its stages' `postStop` before it is terminated (default 5000 ms). */
  readonly terminateTimeoutMs?: number;
}

/** Options of `WorkerFlow.partitioned`: those of `create` (except `ordered`), plus the key. */
export interface PartitionedWorkerFlowOptions<In> extends Omit<WorkerFlowOptions, 'ordered'> {
  /**
   * The key of an element: elements with equal keys go to the same worker, so their order is kept.
   * A string, number, bigint or boolean. Called in the main thread; the stream's supervision strategy
   * applies when it throws (`resume`/`restart` drop the element).
   */
  readonly partitionBy: (element: In) => string | number | bigint | boolean;
}
