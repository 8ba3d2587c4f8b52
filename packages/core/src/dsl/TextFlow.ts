/**
 * Between bytes and text: decoding and encoding that respect characters cut across chunks, and lines.
 */
import { TextDecode } from '../operators/textDecode.js';
import { TextEncode, type TextEncoding } from '../operators/textEncode.js';
import { type LineEncoding, type LinesOptions, TextLines } from '../operators/textLines.js';
import { Flow } from './Flow.js';

export type { LineEncoding, LinesOptions, TextEncoding };

export const TextFlow = {
  /**
   * Decodes bytes into text. A character whose bytes are split across chunks is decoded whole, when
   * its last byte arrives; bytes of a character left incomplete when the stream ends become U+FFFD.
   * `encoding` is a Node encoding (`'utf8'` (default), `'utf16le'`, `'latin1'`, `'ascii'`, `'base64'`,
   * `'hex'`, …) or any WHATWG encoding label (`'windows-1252'`, `'shift_jis'`, …). Chunks that
   * complete no character emit nothing; elements are never empty strings.
   *
   * - **Emits when** an input chunk completes at least one character and downstream pulls.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes (after the replacement character for an incomplete tail, if any).
   * - **Cancels when** downstream cancels.
   *
   * @example await Source.from([Buffer.from([0xe2, 0x82]), Buffer.from([0xac])]).via(TextFlow.decode()).runWith(Sink.seq()) // ['€']
   */
  decode(encoding = 'utf8'): Flow<Uint8Array, string> {
    return Flow.fromGraph(new TextDecode(encoding));
  },

  /**
   * Encodes text into bytes (`'utf8'` by default; also `'utf16le'`, `'latin1'`, `'ascii'`). In UTF-8 a
   * surrogate pair cut between two elements is encoded whole, with the next element (a lone high
   * surrogate left at the end becomes U+FFFD). Elements that yield no bytes emit nothing.
   *
   * - **Emits when** an element yields bytes and downstream pulls.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   *
   * @example await Source.from(['h', 'é']).via(TextFlow.encode()).runWith(Sink.seq()) // [<68>, <c3 a9>]
   */
  encode(encoding: TextEncoding = 'utf8'): Flow<string, Buffer> {
    return Flow.fromGraph(new TextEncode(encoding));
  },

  /**
   * Decodes bytes into lines: splits on `\n`, strips a `\r` before it (so `\r\n` works too), and emits
   * each line without its terminator. A last line without `\n` is emitted as well; a stream ending in
   * `\n` has no empty last line. A line longer than `maxLineLength` bytes (default 1 MiB, terminator
   * not counted) fails the stream with a `FramingError` naming the limit and the size seen, as soon as
   * it is known to be too long. `encoding` is `'utf8'` (default), `'latin1'` or `'ascii'`.
   *
   * - **Emits when** a complete line is available and downstream pulls.
   * - **Backpressures when** downstream backpressures, or a complete line is waiting to be emitted.
   * - **Completes when** upstream completes and every line (the unterminated last one too) has been emitted.
   * - **Cancels when** downstream cancels.
   *
   * @example await Source.from([Buffer.from('a\r\nb'), Buffer.from('\nc')]).via(TextFlow.lines()).runWith(Sink.seq()) // ['a', 'b', 'c']
   */
  lines(options: LinesOptions = {}): Flow<Uint8Array, string> {
    return Flow.fromGraph(new TextLines(options));
  },
};
