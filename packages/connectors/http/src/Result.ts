/**
 * The outcome of one request through a pool flow: a response, or the error that prevented one. A pool
 * flow emits failures as values, so that one failed request does not fail the whole stream.
 */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

export const Result = {
  success<T>(value: T): Result<T> {
    return { ok: true, value };
  },
  failure<T = never>(error: unknown): Result<T> {
    return { ok: false, error };
  },
} as const;
