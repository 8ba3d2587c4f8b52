/**
 * Sources and sinks of file contents (Akka's `FileIO`): a file read as a stream of `Buffer` chunks, and
 * a stream of bytes written to a file. Both materialize a `Promise<IOResult>` with the number of bytes
 * handled, and both close their file before the stream ends — whatever ends it.
 */
import { constants } from 'node:fs';
import { Sink, Source } from '@tributary/core';
import type { IOResult } from './IOResult.js';
import { FileSinkStage } from './internal/FileSinkStage.js';
import { FileSourceStage } from './internal/FileSourceStage.js';
import { type PathLike, requireFiniteNonNegativeInt, requireOpenFlags, requireOptions, requirePath, requirePositiveInt } from './internal/validate.js';

export interface FromPathOptions {
  /** Bytes per emitted chunk (the last one may be shorter). Default 8192. */
  readonly chunkSize?: number;
  /** Byte offset of the first byte to read. Default 0. */
  readonly startPosition?: number;
  /**
   * How many chunks may be read ahead of downstream demand, counting reads in flight (they run side by
   * side). Memory held is at most `readAhead × chunkSize`. Default 16 (as Pekko's input buffer); 1 reads
   * strictly one chunk per pull.
   */
  readonly readAhead?: number;
}

export interface ToPathOptions {
  /**
   * How the file is opened, as `fs.open` takes it: `'w'` (create or truncate, the default), `'a'`
   * (append), `'wx'` (fail if it exists), `'r+'` (overwrite in place), … or a number of `fs.constants.O_*`
   * bits. With a `startPosition` the default is `O_WRONLY | O_CREAT`: write at that offset, no truncation.
   */
  readonly flags?: string | number;
  /** Byte offset at which the first byte is written (ignored by the OS in append mode). */
  readonly startPosition?: number;
}

const DefaultChunkSize = 8192;
const DefaultReadAhead = 16;

export const FileIO = {
  /**
   * Streams the contents of the file at `path` as `Buffer` chunks of `chunkSize` bytes.
   *
   * The file is opened when the stream starts and read only after downstream asks for data, with at
   * most `readAhead` chunks read ahead of demand — never the whole file. A missing file fails the
   * stream and the `IOResult` with Node's `ENOENT` error (its message names the path); a directory fails
   * them with `EISDIR`. The `IOResult` counts the bytes emitted; it resolves when the file has been read
   * to its end and closed, or — with the bytes emitted so far — when downstream cancels.
   *
   * - **Emits when** downstream pulls and the next chunk has been read.
   * - **Backpressures when** — a source; it reads no further than `readAhead` chunks ahead of demand.
   * - **Completes when** the end of the file is reached (after the last chunk and after closing the file).
   * - **Cancels when** — a source; when downstream cancels, the file is closed and the `IOResult` resolves.
   *
   * @example
   * const [io, size] = await FileIO.fromPath('/var/log/app.log', { chunkSize: 64 * 1024 })
   *   .toMat(Sink.fold(0, (n, chunk: Buffer) => n + chunk.length), Keep.both)
   *   .run();
   * console.log((await io).count === await size); // true
   */
  fromPath(path: PathLike, options?: FromPathOptions): Source<Buffer, Promise<IOResult>> {
    const where = 'FileIO.fromPath';
    const file = requirePath(where, 'path', path);
    const o = requireOptions<FromPathOptions>(where, options);
    const chunkSize = o.chunkSize === undefined ? DefaultChunkSize : requirePositiveInt(where, 'chunkSize', o.chunkSize);
    const startPosition = o.startPosition === undefined ? 0 : requireFiniteNonNegativeInt(where, 'startPosition', o.startPosition);
    const readAhead = o.readAhead === undefined ? DefaultReadAhead : requirePositiveInt(where, 'readAhead', o.readAhead);
    return Source.fromGraph(new FileSourceStage({ path: file, chunkSize, startPosition, readAhead }));
  },

  /**
   * Writes the incoming bytes to the file at `path`, in order, with at most one write in flight.
   *
   * The file is opened (created, by default truncated — see `flags`) when the stream starts and closed
   * before the stream ends. The `IOResult` counts the bytes written and resolves once upstream completed,
   * everything is written and the file is closed. A failed open or write fails the stream and the
   * `IOResult` with the fs error (its message names the path); an upstream failure is passed to the
   * `IOResult` after the bytes received before it were written and the file closed. Elements must be
   * `Uint8Array`s (a `Buffer` is one); anything else fails the stream with a `TypeError`.
   *
   * - **Emits when** — a sink.
   * - **Backpressures when** the write in flight has not returned and 256 KiB wait for the next one.
   * - **Completes when** upstream completes and every byte is written and the file closed.
   * - **Cancels when** a write fails or an element is not a `Uint8Array`.
   *
   * @example
   * const io = await Source.from(['a line\n', 'another\n'])
   *   .map((s) => Buffer.from(s))
   *   .runWith(FileIO.toPath('/tmp/out.txt', { flags: 'a' }));
   * console.log(io.count); // 16
   */
  toPath(path: PathLike, options?: ToPathOptions): Sink<Uint8Array, Promise<IOResult>> {
    const where = 'FileIO.toPath';
    const file = requirePath(where, 'path', path);
    const o = requireOptions<ToPathOptions>(where, options);
    const startPosition = o.startPosition === undefined ? null : requireFiniteNonNegativeInt(where, 'startPosition', o.startPosition);
    // Writing at an offset of a file that 'w' would truncate first is almost never what is meant.
    const defaultFlags = startPosition === null ? 'w' : constants.O_WRONLY | constants.O_CREAT;
    const flags = o.flags === undefined ? defaultFlags : requireOpenFlags(where, o.flags);
    return Sink.fromGraph(new FileSinkStage({ path: file, flags, startPosition }));
  },
} as const;
