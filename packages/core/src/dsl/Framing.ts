/**
 * Cutting byte streams into frames (Akka's `Framing`). Chunk boundaries in a byte stream carry no
 * meaning — a TCP read, a file chunk — so a protocol says where its messages end: a delimiter, a
 * length header. These flows turn any chunking into one element per frame.
 *
 * Bytes go in as `Uint8Array` (a `Buffer` is one) and come out as `Buffer`. A frame that lies within
 * one input chunk is a view of that chunk (no copy); copy it (`Buffer.from(frame)`) if you keep a
 * few small frames for long while dropping the rest, or the whole chunk stays in memory.
 */
import { DelimiterFraming, type DelimiterFramingOptions } from '../operators/delimiterFraming.js';
import { type ByteOrder, type ComputeFrameSize, LengthFieldFraming } from '../operators/lengthFieldFraming.js';
import { requireMessageLength, SimpleFramingProtocolEncoder } from '../operators/simpleFramingProtocolEncoder.js';
import { BidiFlow } from './BidiFlow.js';
import { Flow } from './Flow.js';

export type { ByteOrder, ComputeFrameSize, DelimiterFramingOptions };

export const Framing = {
  /**
   * Splits the byte stream on `delimiter` (one or more bytes; a string is taken as UTF-8) and emits
   * the bytes between delimiters; the delimiter itself is not emitted. Consecutive delimiters give
   * empty frames. A frame longer than `maximumFrameLength` bytes fails the stream with a
   * `FramingError` that names the limit and the size seen — as soon as the frame is known to be too
   * long, without buffering the rest of it. If the stream ends after a frame with no delimiter, that
   * frame is emitted when `allowTruncation` is true and fails the stream (`FramingError`: "the stream
   * ended with a truncated frame of N bytes") otherwise.
   *
   * Frames found in one chunk are queued and emitted one per pull; upstream is pulled only when none is left.
   *
   * - **Emits when** a complete frame is available and downstream pulls.
   * - **Backpressures when** downstream backpressures, or a complete frame is waiting to be emitted.
   * - **Completes when** upstream completes and every frame has been emitted (or fails on a truncated frame, see above).
   * - **Cancels when** downstream cancels.
   *
   * @example
   * const records = await Source.from([Buffer.from('a;b'), Buffer.from(';c;')])
   *   .via(Framing.delimiter(';', 1024))
   *   .map((frame) => frame.toString())
   *   .runWith(Sink.seq()); // ['a', 'b', 'c']
   */
  delimiter(delimiter: Uint8Array | string, maximumFrameLength: number, options: DelimiterFramingOptions = {}): Flow<Uint8Array, Buffer> {
    return Flow.fromGraph(new DelimiterFraming(delimiter, maximumFrameLength, options));
  },

  /**
   * Splits the byte stream into frames that carry their own length: a `fieldLength`-byte unsigned
   * integer (1 to 4 bytes, `byteOrder` `'BE'` or `'LE'`) found `fieldOffset` bytes into each frame.
   * By default the field counts the bytes after the header, so a frame is
   * `fieldOffset + fieldLength + value` bytes; `computeFrameSize(offsetBytes, value)` may compute the
   * whole frame's size instead (from the bytes before the field and the field's value). Emitted frames
   * include the header, as in Akka.
   *
   * A header announcing more than `maximumFrameLength` bytes (the whole frame, header included) fails
   * the stream with a `FramingError` as soon as the header is read. A stream ending inside a frame
   * fails with a `FramingError` saying the frame was truncated.
   *
   * - **Emits when** a complete frame is available and downstream pulls.
   * - **Backpressures when** downstream backpressures, or a complete frame is waiting to be emitted.
   * - **Completes when** upstream completes and every frame has been emitted (or fails on a truncated frame).
   * - **Cancels when** downstream cancels.
   *
   * @example
   * // 2-byte big-endian length, then the payload
   * const frames = await Source.single(Buffer.from([0, 2, 104, 105, 0, 1, 33]))
   *   .via(Framing.lengthField(2, 0, 1024))
   *   .runWith(Sink.seq()); // [<00 02 68 69>, <00 01 21>]
   */
  lengthField(
    fieldLength: 1 | 2 | 3 | 4,
    fieldOffset: number,
    maximumFrameLength: number,
    byteOrder: ByteOrder = 'BE',
    computeFrameSize?: ComputeFrameSize,
  ): Flow<Uint8Array, Buffer> {
    return Flow.fromGraph(new LengthFieldFraming(fieldLength, fieldOffset, maximumFrameLength, byteOrder, computeFrameSize));
  },

  /**
   * Prefixes each message with its length as a 4-byte big-endian unsigned integer (the outbound half of
   * `simpleFramingProtocol`). A message longer than `maximumMessageLength` fails the stream with a
   * `FramingError`.
   *
   * - **Emits when** upstream emits a message and downstream pulls.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   */
  simpleFramingProtocolEncoder(maximumMessageLength: number): Flow<Uint8Array, Buffer> {
    return Flow.fromGraph(new SimpleFramingProtocolEncoder(maximumMessageLength));
  },

  /**
   * Reads messages written by `simpleFramingProtocolEncoder`: each is a 4-byte big-endian length and
   * that many bytes; the messages are emitted without the length. A length over
   * `maximumMessageLength` fails the stream with a `FramingError`, as does a stream ending inside a message.
   *
   * - **Emits when** a complete message is available and downstream pulls.
   * - **Backpressures when** downstream backpressures, or a complete message is waiting to be emitted.
   * - **Completes when** upstream completes and every message has been emitted (or fails on a truncated one).
   * - **Cancels when** downstream cancels.
   */
  simpleFramingProtocolDecoder(maximumMessageLength: number): Flow<Uint8Array, Buffer> {
    requireMessageLength('Framing.simpleFramingProtocolDecoder', maximumMessageLength);
    return Flow.fromGraph(new LengthFieldFraming(4, 0, maximumMessageLength + 4, 'BE'))
      .map(withoutLength)
      .named('Framing.simpleFramingProtocolDecoder');
  },

  /**
   * A protocol layer for message streams over a byte transport (a socket): outbound, each message is
   * prefixed with its length as a 4-byte big-endian integer; inbound, the byte stream is cut back into
   * those messages, whatever its chunking. `maximumMessageLength` bounds both directions (a longer
   * message fails the stream with a `FramingError`). Join it to a transport with `join`, or stack a
   * codec on it with `atop`.
   *
   * ```text
   *  messages ~> encoder ~> bytes
   *  messages <~ decoder <~ bytes
   * ```
   *
   * - **Emits when** (each direction) a message (encoded, or decoded complete) is available and its downstream pulls.
   * - **Backpressures when** its downstream backpressures.
   * - **Completes when** its upstream completes (inbound: failing on a truncated message).
   * - **Cancels when** its downstream cancels.
   *
   * @example
   * const loopback = Framing.simpleFramingProtocol(1024).join(Flow.create<Buffer>());
   * await Source.from([Buffer.from('hi'), Buffer.from('there')]).via(loopback).runWith(Sink.seq()); // [<68 69>, <74 68 65 72 65>]
   */
  simpleFramingProtocol(maximumMessageLength: number): BidiFlow<Uint8Array, Buffer, Uint8Array, Buffer> {
    requireMessageLength('Framing.simpleFramingProtocol', maximumMessageLength);
    return BidiFlow.fromFlows(Framing.simpleFramingProtocolEncoder(maximumMessageLength), Framing.simpleFramingProtocolDecoder(maximumMessageLength));
  },
};

function withoutLength(frame: Buffer): Buffer {
  return frame.subarray(4);
}
