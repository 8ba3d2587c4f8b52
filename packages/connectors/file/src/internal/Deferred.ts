/** A promise with its settle functions, for materialized values. */
export interface Deferred<R> {
  readonly promise: Promise<R>;
  /** True once resolved or rejected. */
  readonly settled: boolean;
  resolve(value: R): void;
  reject(error: unknown): void;
}

function ignoreRejection(): void {}

/**
 * Creates a `Deferred`. The promise is marked as handled: a materialized value the user discards (a
 * sink behind `Keep.left`) must not crash the process with an unhandled rejection when the stream
 * fails; awaiting it still rejects with the original error. Only the first settle counts.
 */
export function deferred<R>(): Deferred<R> {
  let resolveFn!: (v: R) => void;
  let rejectFn!: (e: unknown) => void;
  const promise = new Promise<R>((res, rej) => {
    resolveFn = res;
    rejectFn = rej;
  });
  promise.catch(ignoreRejection);
  const d = {
    promise,
    settled: false,
    resolve(value: R): void {
      if (d.settled) return;
      d.settled = true;
      resolveFn(value);
    },
    reject(error: unknown): void {
      if (d.settled) return;
      d.settled = true;
      rejectFn(error);
    },
  };
  return d;
}
