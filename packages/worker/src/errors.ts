/** Errors raised by WorkerFlow itself (errors of the user's flow cross unchanged: see docs/worker.md). */

/**
 * A worker thread ended while its part of the stream was still running: its code threw outside the
 * stream (at the top level of the module, in a timer), it called `process.exit`, it ran out of memory
 * (`resourceLimits`), or it was terminated from outside. The stream fails with this error unless
 * `restart` settings replace the worker.
 */
export class WorkerDiedError extends Error {
  override readonly name = 'WorkerDiedError';
  constructor(
    message: string,
    /** The thread id of the worker that died. */
    readonly threadId: number,
    /** Its exit code, when it exited (rather than failed with an uncaught error). */
    readonly exitCode: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * `ordered: true` with more than one thread keeps input order by pairing every output with its input,
 * so the flow must emit exactly one element per input (like `mapAsync`). A flow that emits more, or
 * fewer, fails the stream with this error; use `ordered: false` or `WorkerFlow.partitioned` for such flows.
 */
export class WorkerFlowOrderingError extends Error {
  override readonly name = 'WorkerFlowOrderingError';
}
