/**
 * `TextFlow.lines({ maxLineLength, encoding })`: decodes a byte stream into lines.
 *
 * Shaped for throughput: a chunk is decoded once, up to its last `\n` (one native call), and lines
 * are cut from that string with `String.indexOf`, one per pull — cheaper than a decode per line. A
 * `\n` byte never occurs inside a multi-byte UTF-8 character, so cutting the bytes after the last
 * `\n` never splits a character; those bytes wait, undecoded, for the rest of their line, and only
 * that line's bytes are joined when its end arrives (never the whole next chunk).
 */
import type { Attributes } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import type { Inlet, Outlet } from '../stage/Ports.js';
import type { FlowShape } from '../stage/Shape.js';
import { asBuffer, ByteChunks } from './byteChunks.js';
import { FlowStage } from './FlowStage.js';
import { FramingError } from './FramingError.js';
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
      throw new RangeError(
        `${Op}: encoding must be one of ${LineEncodings.map((e) => `'${e}'`).join(', ')} (an encoding in which '\\n' is the byte 0x0A), got ${describe(encoding)}`,
      );
    }
    this.encoding = encoding === 'utf-8' ? 'utf8' : encoding;
  }

  createLogic(_attributes: Attributes): GraphStageLogic {
    return new TextLinesLogic(this.shape, this.maxLineLength, this.encoding);
  }
}

const NoFailure: unique symbol = Symbol('NoFailure');

/**
 * Not a `FrameQueueLogic`: lines are cut from the decoded text lazily, one per pull, with a cursor —
 * no queue of strings per chunk, which matters at a million lines a second.
 */
class TextLinesLogic extends GraphStageLogic implements InHandler, OutHandler {
  /** Bytes of the line in progress (no `\n` seen yet). */
  private readonly pending = new ByteChunks();
  /** Decoded complete lines, separated by '\n' (the terminator of the last one is not included). */
  private text = '';
  /** Where the next line starts in `text`; -1 when every line of it has been emitted. */
  private cursor = -1;
  /** A line that started in an earlier chunk, emitted before `text`. */
  private first: string | null = null;
  private failure: unknown = NoFailure;
  private upstreamDone = false;
  /** A line of n UTF-16 units has at most 3n bytes: shorter lines need no byte count. */
  private readonly safeUnits: number;
  private readonly multiByte: boolean;
  private readonly in: Inlet<Uint8Array>;
  private readonly out: Outlet<string>;

  constructor(
    shape: FlowShape<Uint8Array, string>,
    private readonly max: number,
    private readonly encoding: BufferEncoding,
  ) {
    super(shape);
    this.in = shape.in;
    this.out = shape.out;
    this.setHandlers(shape.in, shape.out, this);
    this.multiByte = encoding === 'utf8';
    this.safeUnits = this.multiByte ? Math.floor(max / 3) : max;
  }

  onPush(): void {
    const chunk = asBuffer(Op, this.grab(this.in));
    const last = chunk.lastIndexOf(LF);
    const pending = this.pending;
    if (last === -1) this.hold(chunk);
    else {
      let from = 0;
      if (pending.length > 0) {
        // The line in progress is finished by this chunk: join just that line's bytes (held bytes are at
        // most maxLineLength + 1), not the whole chunk, then decode the rest of the chunk in one go.
        const lf = chunk.indexOf(LF);
        this.first = pending.take(chunk.subarray(0, lf)).toString(this.encoding);
        from = lf + 1;
      }
      if (from <= last) {
        this.text = chunk.toString(this.encoding, from, last);
        this.cursor = 0;
      }
      if (last + 1 < chunk.length) this.hold(chunk.subarray(last + 1));
    }
    this.onPull();
  }

  onPull(): void {
    const pos = this.cursor;
    let line: string;
    if (this.first !== null) {
      line = this.first;
      this.first = null;
    } else if (pos >= 0) {
      const text = this.text;
      const lf = text.indexOf('\n', pos);
      if (lf === -1) {
        line = pos === 0 ? text : text.slice(pos);
        this.cursor = -1;
        this.text = '';
      } else {
        line = text.slice(pos, lf);
        this.cursor = lf + 1;
      }
    } else {
      if (this.failure !== NoFailure) this.failStage(this.failure);
      else if (this.upstreamDone) this.finish();
      else this.pull(this.in);
      return;
    }
    if (line.length > 0 && line.charCodeAt(line.length - 1) === CR) line = line.slice(0, -1);
    if (line.length > this.safeUnits) {
      const bytes = this.multiByte ? Buffer.byteLength(line, 'utf8') : line.length;
      if (bytes > this.max) {
        this.failStage(tooLong(bytes, this.max));
        return;
      }
    }
    this.push(this.out, line);
    if (this.cursor === -1 && this.first === null) {
      // The last complete line is out: a failure or the end of the stream need no further pull.
      if (this.failure !== NoFailure) this.failStage(this.failure);
      else if (this.upstreamDone && this.pending.length === 0) this.completeStage();
    }
  }

  onUpstreamFinish(): void {
    this.upstreamDone = true;
    // Lines still in the text go out on demand first; the pull that finds none left finishes.
    if (this.cursor === -1 && this.first === null && (this.isAvailable(this.out) || this.pending.length === 0 || this.failure !== NoFailure)) this.onPull();
  }

  /** The end of the input: the unterminated last line, if any, then completion. */
  private finish(): void {
    const pending = this.pending;
    if (pending.length === 0) {
      this.completeStage();
      return;
    }
    let bytes = pending.take();
    if (bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    if (bytes.length > this.max) this.failStage(tooLong(bytes.length, this.max));
    else this.emit(this.out, bytes.toString(this.encoding), () => this.completeStage());
  }

  private hold(bytes: Buffer): void {
    const pending = this.pending;
    pending.push(bytes);
    // One byte of slack: it may be the '\r' of a '\r\n' still to come.
    if (pending.length > this.max + 1 && this.failure === NoFailure) {
      const seen = pending.length;
      pending.clear();
      this.failure = new FramingError(`${Op}: read ${seen} bytes without a line terminator, more than maxLineLength ${this.max}`);
    }
  }

  override postStop(): void {
    this.pending.clear();
    this.text = '';
    this.first = null;
  }
}

function tooLong(size: number, max: number): FramingError {
  return new FramingError(`${Op}: a line of ${size} bytes exceeds maxLineLength ${max}`);
}
