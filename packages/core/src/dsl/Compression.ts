/**
 * Compression and decompression of byte streams on `node:zlib` (Akka's `Compression`), back-pressured
 * both ways: decompression produces output only as downstream takes it, so a "bomb" (a small input
 * that inflates to gigabytes) costs one chunk of memory at a time, not its inflated size.
 */
import zlib from 'node:zlib';
import { describe, requireBoolean, requirePositiveInt } from '../operators/validate.js';
import { ZlibFlow } from '../operators/zlibFlow.js';
import { Flow } from './Flow.js';

export interface CompressionOptions {
  /**
   * Flush the compressor after every element (zlib's `Z_SYNC_FLUSH`), so every output chunk can be
   * decompressed without waiting for more: what a live stream (server-sent events, NDJSON over HTTP)
   * needs. Costs a few bytes per element and some ratio on small elements. Default `true` (as Akka).
   */
  readonly autoFlush?: boolean;
}

/** Akka's default, and Node's stream default's order of magnitude: 64 KiB. */
export const DefaultMaxBytesPerChunk = 64 * 1024;
/** Compressed output is cut into chunks of this size (fewer, larger chunks than zlib's 16 KiB default). */
const CompressedChunkSize = 64 * 1024;
/** zlib's smallest output buffer; smaller `maxBytesPerChunk` values are honoured by cutting its output. */
const MinZlibChunk = 64;

function compressor(
  op: string,
  level: number,
  options: CompressionOptions,
  create: (o: zlib.ZlibOptions) => zlib.Gzip | zlib.Deflate | zlib.DeflateRaw,
): Flow<Uint8Array, Buffer> {
  if (typeof level !== 'number' || !Number.isInteger(level) || level < -1 || level > 9) {
    throw new RangeError(`${op}: level must be an integer from 0 (no compression) to 9 (best), or -1 for zlib's default, got ${describe(level)}`);
  }
  if (options === null || typeof options !== 'object') throw new TypeError(`${op}: options must be an object, got ${describe(options)}`);
  const autoFlush = options.autoFlush ?? true;
  requireBoolean(op, 'autoFlush', autoFlush);
  const zlibOptions: zlib.ZlibOptions & StreamBuffers = {
    level,
    chunkSize: CompressedChunkSize,
    flush: autoFlush ? zlib.constants.Z_SYNC_FLUSH : zlib.constants.Z_NO_FLUSH,
    ...streamBuffers(CompressedChunkSize),
  };
  return Flow.fromGraph(new ZlibFlow(op, () => create(zlibOptions), CompressedChunkSize, false));
}

function decompressor(
  op: string,
  maxBytesPerChunk: number,
  create: (o: zlib.ZlibOptions) => zlib.Gunzip | zlib.Inflate | zlib.InflateRaw,
): Flow<Uint8Array, Buffer> {
  requirePositiveInt(op, 'maxBytesPerChunk', maxBytesPerChunk);
  const chunkSize = Math.max(MinZlibChunk, maxBytesPerChunk);
  const zlibOptions: zlib.ZlibOptions & StreamBuffers = { chunkSize, ...streamBuffers(chunkSize) };
  return Flow.fromGraph(new ZlibFlow(op, () => create(zlibOptions), maxBytesPerChunk, true));
}

interface StreamBuffers {
  readonly readableHighWaterMark: number;
  readonly writableHighWaterMark: number;
}

/**
 * How far zlib may work ahead, which is also the memory it may hold: two output chunks not yet taken
 * (so it inflates the next chunk while the stream handles the current one, and stops after that), and
 * one input chunk waiting while another is processed (so it never idles between input chunks).
 */
function streamBuffers(outputChunk: number): StreamBuffers {
  return { readableHighWaterMark: 2 * outputChunk, writableHighWaterMark: InputBuffer };
}

const InputBuffer = 128 * 1024;

function requireNowrap(op: string, nowrap: unknown): void {
  requireBoolean(op, 'nowrap', nowrap);
}

export const Compression = {
  /**
   * Compresses a byte stream into the gzip format (RFC 1952), readable by `gunzip`, `zlib.gunzipSync`
   * or any HTTP client. `level` is zlib's: 0 (none) to 9 (best), -1 (default) is zlib's default (6).
   * With `autoFlush` (default) each element is flushed, so the output so far is always decodable;
   * when upstream completes the gzip trailer is written.
   *
   * - **Emits when** zlib has produced compressed bytes and downstream pulls.
   * - **Backpressures when** downstream backpressures and zlib's bounded buffers are full.
   * - **Completes when** upstream completes and the compressed rest (and the trailer) has been emitted.
   * - **Cancels when** downstream cancels.
   *
   * @example await Source.single(Buffer.from('hello')).via(Compression.gzip()).runWith(Sink.seq())
   */
  gzip(level: number = zlib.constants.Z_DEFAULT_COMPRESSION, options: CompressionOptions = {}): Flow<Uint8Array, Buffer> {
    return compressor('Compression.gzip', level, options, (o) => zlib.createGzip(o));
  },

  /**
   * Decompresses a gzip byte stream (one or more gzip members), emitting chunks of at most
   * `maxBytesPerChunk` bytes (default 64 KiB). Output is produced only as downstream takes it: zlib
   * stops after a chunk until it has been pulled. Corrupt input fails the stream with zlib's error
   * (e.g. `Error: incorrect header check`, code `Z_DATA_ERROR`); input that ends inside a gzip member
   * fails with `unexpected end of file` (`Z_BUF_ERROR`). An empty input gives an empty output.
   *
   * - **Emits when** zlib has produced decompressed bytes and downstream pulls.
   * - **Backpressures when** downstream backpressures (zlib then stops inflating).
   * - **Completes when** upstream completes and every decompressed byte has been emitted.
   * - **Cancels when** downstream cancels.
   *
   * @example await Source.single(zlib.gzipSync('hello')).via(Compression.gunzip()).runWith(Sink.seq())
   */
  gunzip(maxBytesPerChunk: number = DefaultMaxBytesPerChunk): Flow<Uint8Array, Buffer> {
    return decompressor('Compression.gunzip', maxBytesPerChunk, (o) => zlib.createGunzip(o));
  },

  /**
   * Compresses a byte stream into the zlib format (RFC 1950), or raw deflate (RFC 1951) with
   * `nowrap: true`. Otherwise as `gzip`.
   *
   * - **Emits when** zlib has produced compressed bytes and downstream pulls.
   * - **Backpressures when** downstream backpressures and zlib's bounded buffers are full.
   * - **Completes when** upstream completes and the compressed rest has been emitted.
   * - **Cancels when** downstream cancels.
   *
   * @example await Source.single(Buffer.from('hello')).via(Compression.deflate()).runWith(Sink.seq())
   */
  deflate(level: number = zlib.constants.Z_DEFAULT_COMPRESSION, nowrap = false, options: CompressionOptions = {}): Flow<Uint8Array, Buffer> {
    const op = 'Compression.deflate';
    requireNowrap(op, nowrap);
    return compressor(op, level, options, nowrap ? (o) => zlib.createDeflateRaw(o) : (o) => zlib.createDeflate(o));
  },

  /**
   * Decompresses the zlib format (RFC 1950), or raw deflate (RFC 1951) with `nowrap: true`, emitting
   * chunks of at most `maxBytesPerChunk` bytes (default 64 KiB), only as downstream takes them.
   * Otherwise as `gunzip`.
   *
   * - **Emits when** zlib has produced decompressed bytes and downstream pulls.
   * - **Backpressures when** downstream backpressures (zlib then stops inflating).
   * - **Completes when** upstream completes and every decompressed byte has been emitted.
   * - **Cancels when** downstream cancels.
   *
   * @example await Source.single(zlib.deflateSync('hello')).via(Compression.inflate()).runWith(Sink.seq())
   */
  inflate(maxBytesPerChunk: number = DefaultMaxBytesPerChunk, nowrap = false): Flow<Uint8Array, Buffer> {
    const op = 'Compression.inflate';
    requireNowrap(op, nowrap);
    return decompressor(op, maxBytesPerChunk, nowrap ? (o) => zlib.createInflateRaw(o) : (o) => zlib.createInflate(o));
  },
};
