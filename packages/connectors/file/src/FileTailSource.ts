/**
 * `tail -F` as a source (Alpakka's `FileTailSource`): the contents of a file, then whatever is appended
 * to it, for as long as the stream runs. The end of the file is polled on the materializer's scheduler,
 * so a `VirtualScheduler` drives it in tests.
 */
import { Source } from '@tributary/core';
import { FileTailStage } from './internal/FileTailStage.js';
import { DefaultTailChunkSize, tailSettings } from './internal/tailSettings.js';
import { type PathLike, requireOptions, requirePositiveInt } from './internal/validate.js';

export interface FileTailOptions {
  /** Most bytes per emitted chunk. Default 8192. */
  readonly maxChunkSize?: number;
  /** Byte offset to start reading the file at. Default 0 (the whole file, then what is appended). */
  readonly startingPosition?: number;
  /** How often the end of the file is looked at again for new data. Default 250 ms. */
  readonly pollingIntervalMs?: number;
  /** Wait (polling) for a file that does not exist yet instead of failing with `ENOENT`. Default false. */
  readonly waitForFile?: boolean;
}

export const FileTailSource = {
  /**
   * Emits the contents of the file at `path` from `startingPosition` on, in chunks of at most
   * `maxChunkSize` bytes, and then — like `tail -F` — whatever is appended to it, polling the end of the
   * file every `pollingIntervalMs`. It never completes by itself: stop it by cancelling (`take`,
   * `takeWithin`, a kill switch).
   *
   * Truncation and rotation: a file that becomes shorter than it was (truncated, or rewritten with
   * `>`; copy-and-truncate log rotation) is read again from offset 0. When the path comes to name
   * another file (the log was renamed and a new one created), the old file is read to its end, then the
   * new one from offset 0. While nothing exists at the path, the old file keeps being tailed. A missing
   * file fails the stream with `ENOENT` — unless `waitForFile`, then it is read once it appears.
   *
   * - **Emits when** downstream pulls and there are bytes after the current position (read then, one
   *   chunk per pull; at the end of the file, at the next poll that finds more).
   * - **Backpressures when** — a source; nothing is read ahead of demand.
   * - **Completes when** never (it fails when a read fails, or the file is missing without `waitForFile`).
   * - **Cancels when** — a source; on cancellation the file is closed before the stage stops.
   *
   * @example
   * const lines = FileTailSource.create('/var/log/app.log', { pollingIntervalMs: 100 })
   *   .takeWithin(60_000)
   *   .runForeach((chunk) => process.stdout.write(chunk));
   */
  create(path: PathLike, options?: FileTailOptions): Source<Buffer> {
    const where = 'FileTailSource.create';
    const o = requireOptions<FileTailOptions>(where, options);
    const maxChunkSize = o.maxChunkSize === undefined ? DefaultTailChunkSize : requirePositiveInt(where, 'maxChunkSize', o.maxChunkSize);
    return Source.fromGraph(new FileTailStage(tailSettings(where, path, o, maxChunkSize)));
  },
} as const;
