/**
 * `Framing.delimiter(delimiter, maximumFrameLength, { allowTruncation })`: splits a byte stream into
 * the frames between delimiters.
 *
 * Each chunk is scanned once with `Buffer.indexOf`; a frame inside one chunk is emitted as a view of
 * it (no copy), and only a frame that spans chunks is joined — once, when its end arrives. A
 * multi-byte delimiter may itself straddle two chunks; that case is found by searching a small seam
 * (the last `d − 1` bytes held plus the first `d − 1` bytes of the new chunk) before the new chunk.
 */
import type { Attributes } from '../stage/Attributes.js';
import type { GraphStageLogic } from '../stage/GraphStageLogic.js';
import type { FlowShape } from '../stage/Shape.js';
import { ByteChunks } from './byteChunks.js';
import { FlowStage } from './FlowStage.js';
import { FramingError } from './FramingError.js';
import { FrameQueueLogic } from './frameQueueInternals.js';
import { describe, requireBoolean, requirePositiveInt } from './validate.js';

const Op = 'Framing.delimiter';

export interface DelimiterFramingOptions {
  /** Emit a last frame that is not followed by the delimiter instead of failing. Default `false`. */
  readonly allowTruncation?: boolean;
}

export class DelimiterFraming extends FlowStage<Uint8Array, Buffer> {
  readonly delimiter: Buffer;
  readonly allowTruncation: boolean;

  constructor(
    delimiter: Uint8Array | string,
    readonly maximumFrameLength: number,
    options: DelimiterFramingOptions = {},
  ) {
    super(Op);
    this.delimiter = delimiterBytes(delimiter);
    requirePositiveInt(Op, 'maximumFrameLength', maximumFrameLength);
    if (options === null || typeof options !== 'object') throw new TypeError(`${Op}: options must be an object, got ${describe(options)}`);
    const allow = options.allowTruncation ?? false;
    requireBoolean(Op, 'allowTruncation', allow);
    this.allowTruncation = allow;
  }

  createLogic(_attributes: Attributes): GraphStageLogic {
    return new DelimiterFramingLogic(this.shape, this.delimiter, this.maximumFrameLength, this.allowTruncation);
  }
}

function delimiterBytes(delimiter: unknown): Buffer {
  let bytes: Buffer;
  if (typeof delimiter === 'string') bytes = Buffer.from(delimiter, 'utf8');
  else if (delimiter instanceof Uint8Array)
    bytes = Buffer.from(delimiter); // a copy: the caller may reuse theirs
  else throw new TypeError(`${Op}: delimiter must be a Uint8Array or a string, got ${describe(delimiter)}`);
  if (bytes.length === 0) throw new RangeError(`${Op}: delimiter must not be empty`);
  return bytes;
}

class DelimiterFramingLogic extends FrameQueueLogic<Buffer> {
  /** The bytes of the frame being read (it has no delimiter yet). */
  private readonly pending = new ByteChunks();
  private readonly first: number;

  constructor(
    shape: FlowShape<Uint8Array, Buffer>,
    private readonly delimiter: Buffer,
    private readonly max: number,
    private readonly allowTruncation: boolean,
  ) {
    super(shape, Op);
    this.first = delimiter[0]!;
  }

  protected onChunk(chunk: Buffer): void {
    const d = this.delimiter;
    const dl = d.length;
    const pending = this.pending;
    let pos = 0;
    if (pending.length > 0) {
      // The frame in progress ends in this chunk if the delimiter straddles the seam or occurs in the chunk.
      let end = -1; // index in the chunk just after the delimiter
      let frame: Buffer | undefined;
      if (dl > 1) {
        const held = Math.min(dl - 1, pending.length);
        const seam = Buffer.concat([pending.last(held), chunk.subarray(0, dl - 1)]);
        const at = seam.indexOf(d);
        if (at !== -1 && at < held) {
          const all = pending.take();
          frame = all.subarray(0, all.length - (held - at));
          end = dl - (held - at);
        }
      }
      if (frame === undefined) {
        const at = dl === 1 ? chunk.indexOf(this.first) : chunk.indexOf(d);
        if (at === -1) {
          this.hold(chunk);
          return;
        }
        if (pending.length + at > this.max) {
          this.tooLong(pending.length + at);
          return;
        }
        frame = pending.take(chunk.subarray(0, at));
        end = at + dl;
      }
      if (frame.length > this.max) {
        this.tooLong(frame.length);
        return;
      }
      this.enqueue(frame);
      pos = end;
    }
    const max = this.max;
    for (;;) {
      const at = dl === 1 ? chunk.indexOf(this.first, pos) : chunk.indexOf(d, pos);
      if (at === -1) break;
      if (at - pos > max) {
        this.tooLong(at - pos);
        return;
      }
      this.enqueue(chunk.subarray(pos, at));
      pos = at + dl;
    }
    if (pos < chunk.length) this.hold(chunk.subarray(pos));
  }

  /** Keeps bytes with no delimiter yet, failing as soon as they cannot fit in a frame any more. */
  private hold(bytes: Buffer): void {
    this.pending.push(bytes);
    // Up to d − 1 of the held bytes may be the start of a delimiter, not frame content.
    if (this.pending.length - (this.delimiter.length - 1) > this.max) {
      const seen = this.pending.length;
      this.pending.clear();
      this.failAfterQueued(new FramingError(`${Op}: read ${seen} bytes without finding the delimiter, more than maximumFrameLength ${this.max}`));
    }
  }

  private tooLong(size: number): void {
    this.pending.clear();
    this.failAfterQueued(new FramingError(`${Op}: a frame of ${size} bytes exceeds maximumFrameLength ${this.max}`));
  }

  protected onEndOfInput(): void {
    const n = this.pending.length;
    if (n === 0) return;
    if (!this.allowTruncation) {
      this.pending.clear();
      this.failAfterQueued(
        new FramingError(`${Op}: the stream ended with a truncated frame of ${n} bytes (no delimiter after it; set allowTruncation to emit it)`),
      );
    } else if (n > this.max) this.tooLong(n);
    else this.enqueue(this.pending.take());
  }

  override postStop(): void {
    this.pending.clear();
  }
}
