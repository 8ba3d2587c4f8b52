/**
 * `tail -F` as a source (Alpakka's `FileTailSource`): the contents of a file, then whatever is appended
 * to it, for as long as the stream runs. The end of the file is polled on the materializer's scheduler,
 * so a `VirtualScheduler` drives it in tests.
 */
import { type LineEncoding, Source, TextFlow } from '@tributary/core';
import { FileTailStage } from './internal/FileTailStage.js';
import { DefaultTailChunkSize, tailSettings } from './internal/tailSettings.js';
import { describeValue, type PathLike, requireOptions, requirePositiveInt } from './internal/validate.js';

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

export interface FileTailLinesOptions extends FileTailOptions {
  /** The longest line accepted, in bytes, without its `\n` or `\r\n`. Default 8192. */
  readonly maxLineLength?: number;
  /** The file's text encoding; one in which `\n` is the byte 0x0A. Default `'utf8'`. */
  readonly encoding?: LineEncoding;
}

const DefaultMaxLineLength = 8192;
const LineEncodings: readonly LineEncoding[] = ['utf8', 'utf-8', 'latin1', 'binary', 'ascii'];

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

  /**
   * The lines of the file at `path`, then — like `tail -F` — each line appended to it: the tail of
   * {@link FileTailSource.create} cut into lines by `TextFlow.lines`. Lines are split on `\n`, a `\r`
   * before it is removed, and no line includes its terminator.
   *
   * A line is emitted once its `\n` has been written: a last line without one is taken to be still in
   * the writing, and waits for the rest of it. When the file is truncated or rotated away, though, its
   * unterminated last line is complete — it is emitted then, on its own, before the lines read next. A
   * line that would exceed `maxLineLength` bytes fails the stream with a `FramingError` (from
   * `TextFlow.lines`) as soon as that is known. With a `startingPosition` in the middle of a line, the
   * first line emitted is the rest of that line. Truncation, rotation, `waitForFile` and a missing file
   * behave as in `create`.
   *
   * - **Emits when** downstream pulls and a complete line has been read (the file is read one chunk
   *   per pull, and polled every `pollingIntervalMs` at its end).
   * - **Backpressures when** — a source; nothing is read ahead of demand but the rest of a chunk.
   * - **Completes when** never (it fails when a read fails, a line is too long, or the file is missing
   *   without `waitForFile`).
   * - **Cancels when** — a source; on cancellation the file is closed before the stage stops.
   *
   * @example
   * const errors = await FileTailSource.lines('/var/log/app.log', { pollingIntervalMs: 100 })
   *   .filter((line) => line.includes(' ERROR '))
   *   .take(10)
   *   .runWith(Sink.seq());
   */
  lines(path: PathLike, options?: FileTailLinesOptions): Source<string> {
    const where = 'FileTailSource.lines';
    const o = requireOptions<FileTailLinesOptions>(where, options);
    const maxLineLength = o.maxLineLength === undefined ? DefaultMaxLineLength : requirePositiveInt(where, 'maxLineLength', o.maxLineLength);
    const maxChunkSize = o.maxChunkSize === undefined ? DefaultTailChunkSize : requirePositiveInt(where, 'maxChunkSize', o.maxChunkSize);
    const encoding = o.encoding ?? 'utf8';
    if (!LineEncodings.includes(encoding)) {
      throw new RangeError(
        `${where}: encoding must be one of ${LineEncodings.map((e) => `'${e}'`).join(', ')} (an encoding in which '\\n' is the byte 0x0A), got ${describeValue(encoding)}`,
      );
    }
    const tail = Source.fromGraph(new FileTailStage(tailSettings(where, path, o, maxChunkSize, true)));
    return tail.via(TextFlow.lines({ maxLineLength, encoding }));
  },
} as const;
