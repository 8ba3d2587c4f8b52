/**
 * What a file source or sink materializes when it is done: the number of bytes it handled — read and
 * emitted by `FileIO.fromPath`, written by `FileIO.toPath`. When a stream is cancelled early, `count` is
 * what was handled up to then (as Akka's `IOResult`); a failure rejects the promise instead.
 */
export interface IOResult {
  readonly count: number;
}
