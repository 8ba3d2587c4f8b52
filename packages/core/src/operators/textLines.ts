/**
 * `TextFlow.lines({ maxLineLength, encoding })`: decodes a byte stream into lines.
 *
 * Shaped for throughput: a chunk is decoded once, up to its last `\n` (one native call), and that
 * string is split with `String.indexOf` — cheaper than a decode per line. A `\n` byte never occurs
 * inside a multi-byte UTF-8 character, so cutting the bytes after the last `\n` never splits a
 * character; the bytes after it wait, undecoded, for the rest of their line.
 */
import type { Attributes } from '../stage/Attributes.js';
import type { GraphStageLogic } from '../stage/GraphStageLogic.js';
import type { FlowShape } from '../stage/Shape.js';
import { ByteChunks } from './byteChunks.js';
import { FlowStage } from './FlowStage.js';
import { FramingError } from './FramingError.js';
import { FrameQueueLogic } from './frameQueueInternals.js';
import { describe, requirePositiveInt } from './validate.js';

const Op = 'TextFlow.lines';

/** Encodings in which the byte 0x0A is always, and only, a line feed. */
export type LineEncoding = 'utf8' | 'utf-8' | 'latin1' | 'binary' | 'ascii';
const LineEncodings: readonly string[] = ['utf8', 'utf-8', 'latin1', 'binary', 'ascii'];

export interface LinesOptions {
  /** The longest line accepted, in bytes, without its `\n` or `\r\n`. Default 1 MiB. */
  readonly maxLineLength?: number;
  /** The text encoding; one in which `\n` is the byte 0x0A. Default `'utf8'`. */
  readonly encoding?: LineEncoding;
}

export const DefaultMaxLineLength = 1024 * 1024;

const LF = 0x0a;
const CR = 13;

export class TextLines extends FlowStage<Uint8Array, string> {
  readonly maxLineLength: number;
  readonly encoding: BufferEncoding;

  constructor(options: LinesOptions = {}) {
    super(Op);
    if (options === null || typeof options !== 'object') throw new TypeError(`${Op}: options must be an object, got ${describe(options)}`);
    this.maxLineLength = options.maxLineLength ?? DefaultMaxLineLength;
    requirePositiveInt(Op, 'maxLineLength', this.maxLineLength);
    const encoding = options.encoding ?? 'utf8';
    if (!LineEncodings.includes(encoding)) {
      throw new RangeError(`${Op}: encoding must be one of ${LineEncodings.map((e) => `'${e}'`).join(', ')} (an encoding in which '\\n' is the byte 0x0A), got ${describe(encoding)}`);
    }
    this.encoding = encoding === 'utf-8' ? 'utf8' : encoding;
  }

  createLogic(_attributes: Attributes): GraphStageLogic {
    return new TextLinesLogic(this.shape, this.maxLineLength, this.encoding);
  }
}

class TextLinesLogic extends FrameQueueLogic<string> {
  /** Bytes of the line in progress (no `\n` seen yet). */
  private readonly pending = new ByteChunks();
  /** A line of n UTF-16 units has at most 3n bytes: shorter lines need no byte count. */
  private readonly safeUnits: number;
  private readonly multiByte: boolean;

  constructor(
    shape: FlowShape<Uint8Array, string>,
    private readonly max: number,
    private readonly encoding: BufferEncoding,
  ) {
    super(shape, Op);
    this.multiByte = encoding === 'utf8';
    this.safeUnits = this.multiByte ? Math.floor(max / 3) : max;
  }

  protected onChunk(chunk: Buffer): void {
    const last = chunk.lastIndexOf(LF);
    if (last === -1) {
      this.hold(chunk);
      return;
    }
    // Held bytes are at most maxLineLength + 1, so the first line is checked like the others, below.
    const pending = this.pending;
    const text = pending.length > 0 ? pending.take(chunk.subarray(0, last)).toString(this.encoding) : chunk.toString(this.encoding, 0, last);
    let pos = 0;
    for (;;) {
      const lf = text.indexOf('\n', pos);
      const end = lf === -1 ? text.length : lf;
      let line = text.slice(pos, end);
      if (line.length > 0 && line.charCodeAt(line.length - 1) === CR) line = line.slice(0, -1);
      if (line.length > this.safeUnits) {
        const bytes = this.multiByte ? Buffer.byteLength(line, 'utf8') : line.length;
        if (bytes > this.max) {
          this.tooLong(bytes);
          return;
        }
      }
      this.enqueue(line);
      if (lf === -1) break;
      pos = lf + 1;
    }
    if (last + 1 < chunk.length) this.hold(chunk.subarray(last + 1));
  }

  private hold(bytes: Buffer): void {
    const pending = this.pending;
    pending.push(bytes);
    // One byte of slack: it may be the '\r' of a '\r\n' still to come.
    if (pending.length > this.max + 1) {
      const seen = pending.length;
      pending.clear();
      this.failAfterQueued(new FramingError(`${Op}: read ${seen} bytes without a line terminator, more than maxLineLength ${this.max}`));
    }
  }

  private tooLong(size: number): void {
    this.pending.clear();
    this.failAfterQueued(new FramingError(`${Op}: a line of ${size} bytes exceeds maxLineLength ${this.max}`));
  }

  protected onEndOfInput(): void {
    const pending = this.pending;
    if (pending.length === 0) return;
    let bytes = pending.take();
    if (bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    if (bytes.length > this.max) this.tooLong(bytes.length);
    else this.enqueue(bytes.toString(this.encoding));
  }

  override postStop(): void {
    this.pending.clear();
  }
}
