import { constants } from 'node:os';

/**
 * Errors from `node:fs` name the path for calls that take one (`open`, `stat`, `opendir`), but not for
 * calls on a descriptor (`read`, `write`, `close`): "EBADF: bad file descriptor, write". A stream's user
 * needs to know which file failed, so every error a file stage reports goes through `withPath` — the
 * same error object (its `code`, `errno` and `syscall` intact), with the path added to its message.
 */
export function withPath(error: unknown, path: string): unknown {
  if (!(error instanceof Error)) return error;
  const quoted = `'${path}'`;
  if (!error.message.includes(path)) {
    const before = error.message;
    error.message = `${before} ${quoted}`;
    if (typeof error.stack === 'string' && error.stack.includes(before)) error.stack = error.stack.replace(before, error.message);
  }
  const e = error as NodeJS.ErrnoException;
  if (e.path === undefined) e.path = path;
  return error;
}

/** An error shaped like the ones `node:fs` raises, for conditions found by this package (a directory where a file is needed). */
export function fsError(code: string, description: string, syscall: string, path: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`${code}: ${description}, ${syscall} '${path}'`);
  e.code = code;
  const errno = (constants.errno as Record<string, number | undefined>)[code];
  if (errno !== undefined) e.errno = -errno;
  e.syscall = syscall;
  e.path = path;
  return e;
}
