/**
 * Change events of a directory's entries as a source (Alpakka's `DirectoryChangesSource`).
 */
import { Source } from '@tributary/core';
import type { DirectoryChange } from './DirectoryChange.js';
import { DirectoryChangesStage } from './internal/DirectoryChangesStage.js';
import { type PathLike, requireBoolean, requireMillis, requireOptions, requirePath, requirePositiveInt } from './internal/validate.js';

export interface DirectoryChangesOptions {
  /**
   * How long changes are gathered before they are looked at and reported, while downstream waits: several
   * writes to a file within one interval are one modification. With polling, the interval between two
   * listings of the directory. Default 250 ms.
   */
  readonly pollIntervalMs?: number;
  /** Most changes that may wait for downstream; more fail the stream with a `BufferOverflowError`. Default 1000. */
  readonly maxBufferSize?: number;
  /**
   * List and compare the whole directory every `pollIntervalMs` instead of relying on `fs.watch` (for
   * network file systems and mounts where file system events are not delivered). Default false; the
   * source also falls back to polling by itself when `fs.watch` cannot watch the directory.
   */
  readonly usePolling?: boolean;
}

export const DirectoryChangesSource = {
  /**
   * Emits `[path, change]` for every entry of `dir` that is created, modified or deleted after the stream
   * was materialized (full paths: `path.join(dir, name)`; entries of subdirectories are not watched, a
   * subdirectory itself is an entry). The current state is taken when the stream is materialized, so
   * every change after `run()` returned is reported.
   *
   * Changes are found with `fs.watch` and confirmed by comparing each entry's `lstat` (inode, size,
   * modification and change time) with its last known state; with `usePolling` (or when `fs.watch`
   * cannot watch `dir`), by listing the directory every `pollIntervalMs`. Changes are gathered over
   * `pollIntervalMs`: several writes to a file within one interval are one modification; an entry
   * replaced by another of the same name is a deletion and a creation. A change that leaves an entry's
   * size and timestamps as they were (within the file system's timestamp resolution) is not seen.
   *
   * When more than `maxBufferSize` changes wait for downstream, the stream fails with a
   * `BufferOverflowError` — no change is dropped silently. When `dir` itself is deleted, the deletions of
   * its remaining entries are emitted and the stream completes. A missing `dir` fails the stream with
   * `ENOENT`, a file with `ENOTDIR`.
   *
   * - **Emits when** a change has been found and downstream pulls.
   * - **Backpressures when** — a source; changes wait in a buffer of at most `maxBufferSize`.
   * - **Completes when** the watched directory is deleted (after its remaining entries' deletions).
   * - **Cancels when** — a source; on cancellation the watcher is closed and the timer cancelled.
   *
   * @example
   * DirectoryChangesSource.create('/var/spool/in', { pollIntervalMs: 500 })
   *   .filter(([, change]) => change === 'creation')
   *   .runForeach(([file]) => console.log('new file', file));
   */
  create(dir: PathLike, options?: DirectoryChangesOptions): Source<readonly [path: string, change: DirectoryChange]> {
    const where = 'DirectoryChangesSource.create';
    const root = requirePath(where, 'dir', dir);
    const o = requireOptions<DirectoryChangesOptions>(where, options);
    return Source.fromGraph(
      new DirectoryChangesStage({
        dir: root,
        pollIntervalMs: o.pollIntervalMs === undefined ? 250 : requireMillis(where, 'pollIntervalMs', o.pollIntervalMs),
        maxBufferSize: o.maxBufferSize === undefined ? 1000 : requirePositiveInt(where, 'maxBufferSize', o.maxBufferSize),
        usePolling: o.usePolling === undefined ? false : requireBoolean(where, 'usePolling', o.usePolling),
      }),
    );
  },
} as const;
