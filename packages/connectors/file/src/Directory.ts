/**
 * Directory listings and creation as streams (Alpakka's `Directory`).
 */
import { mkdir } from 'node:fs/promises';
import { Flow, Source } from '@tributary/core';
import { DirectoryWalkStage } from './internal/DirectoryWalkStage.js';
import { describeValue, type PathLike, requireOptions, requirePath, requirePositiveInt } from './internal/validate.js';

export interface WalkOptions {
  /** Levels below `dir` to list: 1 = the entries of `dir` only (as `ls`). Default: no limit. */
  readonly maxDepth?: number;
}

export const Directory = {
  /**
   * Emits the full paths (`path.join(dir, name)`) of the files and directories directly in `dir`, in the
   * order the file system returns them, reading the directory lazily (`fs.opendir`) as downstream pulls.
   * A missing `dir` fails the stream with `ENOENT`, a file with `ENOTDIR`.
   *
   * - **Emits when** downstream pulls and the next entry has been read.
   * - **Backpressures when** — a source; nothing is read ahead of demand.
   * - **Completes when** every entry has been emitted (and the directory closed).
   * - **Cancels when** — a source; on cancellation the directory is closed before the stage stops.
   *
   * @example
   * const names = await Directory.ls('/var/log').runWith(Sink.seq());
   */
  ls(dir: PathLike): Source<string> {
    const root = requirePath('Directory.ls', 'dir', dir);
    return Source.fromGraph(new DirectoryWalkStage({ root, maxDepth: 1, name: 'Directory.ls' }));
  },

  /**
   * Emits the full paths of everything below `dir`, depth-first: each directory right before its
   * contents, `dir` itself not included. `maxDepth` 1 lists the direct children only. Symbolic links are
   * emitted but not followed. Directories are read lazily, one entry per pull, with at most one open
   * handle per level of the tree. A directory that cannot be read (removed meanwhile, no permission)
   * fails the stream with the fs error, which names it.
   *
   * - **Emits when** downstream pulls and the next entry has been read.
   * - **Backpressures when** — a source; nothing is read ahead of demand.
   * - **Completes when** the whole tree (to `maxDepth`) has been emitted and every directory closed.
   * - **Cancels when** — a source; on cancellation the open directories are closed before the stage stops.
   *
   * @example
   * const logs = await Directory.walk('/var/log', { maxDepth: 2 })
   *   .filter((p) => p.endsWith('.log'))
   *   .runWith(Sink.seq());
   */
  walk(dir: PathLike, options?: WalkOptions): Source<string> {
    const where = 'Directory.walk';
    const root = requirePath(where, 'dir', dir);
    const o = requireOptions<WalkOptions>(where, options);
    const maxDepth = o.maxDepth === undefined || o.maxDepth === Infinity ? Infinity : requirePositiveInt(where, 'maxDepth', o.maxDepth);
    return Source.fromGraph(new DirectoryWalkStage({ root, maxDepth, name: where }));
  },

  /**
   * Creates each incoming directory path with its missing parents (`mkdir -p`), then emits the path.
   * An existing directory is fine; an existing file at the path fails with `EEXIST`. One directory is
   * created at a time, in order. Supervision applies (`resume` skips a path that could not be created).
   *
   * - **Emits when** the directory of the element exists.
   * - **Backpressures when** a directory is being created, or downstream backpressures.
   * - **Completes when** upstream completes and the last directory has been created and emitted.
   * - **Cancels when** downstream cancels.
   *
   * @example
   * await Source.from(['out/2024/01', 'out/2024/02']).via(Directory.mkdirs()).runWith(Sink.ignore());
   */
  mkdirs(): Flow<string, string> {
    return Flow.create<string>()
      .mapAsync(1, async (dir: string) => {
        if (typeof dir !== 'string' || dir.length === 0)
          throw new TypeError(`Directory.mkdirs: elements must be non-empty path strings, got ${describeValue(dir)}`);
        await mkdir(dir, { recursive: true });
        return dir;
      })
      .named('Directory.mkdirs');
  },
} as const;
