/**
 * Rejects the materialized promise of a lazy operator (`Flow.lazyFlow`, `Sink.lazySink`,
 * `Source.lazySource`, …) whose inner graph was never materialized because the stream ended first:
 * completed or failed before the first element, or cancelled before the first pull. When the stream
 * failed, `cause` is that failure.
 */
export class NeverMaterializedException extends Error {
  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options === undefined ? undefined : { cause: options.cause });
    this.name = 'NeverMaterializedException';
  }
}
