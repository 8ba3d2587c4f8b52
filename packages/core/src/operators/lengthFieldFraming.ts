/**
 * `Framing.lengthField(fieldLength, fieldOffset, maximumFrameLength, byteOrder, computeFrameSize?)`:
 * splits a byte stream into frames that announce their own size in a header field (Akka's
 * `LengthFieldFramingStage`). Emitted frames include the header.
 *
 * A chunk is cut into frames in one pass; a frame inside one chunk is a view of it, a frame spanning
 * chunks is joined once, when its last byte arrives. The size is checked as soon as the header is
 * readable, so an oversized frame fails before its body is buffered.
 */
import type { Attributes } from '../stage/Attributes.js';
import type { GraphStageLogic } from '../stage/GraphStageLogic.js';
import type { FlowShape } from '../stage/Shape.js';
import { ByteChunks } from './byteChunks.js';
import { FlowStage } from './FlowStage.js';
import { FramingError } from './FramingError.js';
import { FrameQueueLogic } from './frameQueueInternals.js';
import { describe, requireFiniteNonNegativeInt, requireFunction, requirePositiveInt } from './validate.js';

const Op = 'Framing.lengthField';

export type ByteOrder = 'BE' | 'LE';

/**
 * Computes the whole frame's size (header included) from the bytes before the length field and the
 * field's value, for protocols whose length field does not count the header (or counts something else).
 */
export type ComputeFrameSize = (offsetBytes: Buffer, fieldValue: number) => number;

export class LengthFieldFraming extends FlowStage<Uint8Array, Buffer> {
  constructor(
    readonly fieldLength: 1 | 2 | 3 | 4,
    readonly fieldOffset: number,
    readonly maximumFrameLength: number,
    readonly byteOrder: ByteOrder = 'BE',
    readonly computeFrameSize?: ComputeFrameSize,
  ) {
    super(Op);
    if (fieldLength !== 1 && fieldLength !== 2 && fieldLength !== 3 && fieldLength !== 4) {
      throw new RangeError(`${Op}: fieldLength must be 1, 2, 3 or 4, got ${describe(fieldLength)}`);
    }
    requireFiniteNonNegativeInt(Op, 'fieldOffset', fieldOffset);
    requirePositiveInt(Op, 'maximumFrameLength', maximumFrameLength);
    if (maximumFrameLength < fieldOffset + fieldLength) {
      throw new RangeError(
        `${Op}: maximumFrameLength must be at least fieldOffset + fieldLength (${fieldOffset + fieldLength}), since every frame includes its header; got ${maximumFrameLength}`,
      );
    }
    if (byteOrder !== 'BE' && byteOrder !== 'LE') throw new RangeError(`${Op}: byteOrder must be 'BE' or 'LE', got ${describe(byteOrder)}`);
    if (computeFrameSize !== undefined) requireFunction(Op, 'computeFrameSize', computeFrameSize);
  }

  createLogic(_attributes: Attributes): GraphStageLogic {
    return new LengthFieldFramingLogic(this.shape, this);
  }
}

class LengthFieldFramingLogic extends FrameQueueLogic<Buffer> {
  private readonly pending = new ByteChunks();
  /** Size of the frame being read, once its header has been read; -1 before. */
  private frameSize = -1;
  private readonly headerEnd: number;
  private readonly read: (b: Buffer, offset: number) => number;

  constructor(
    shape: FlowShape<Uint8Array, Buffer>,
    private readonly stage: LengthFieldFraming,
  ) {
    super(shape, Op);
    this.headerEnd = stage.fieldOffset + stage.fieldLength;
    const n = stage.fieldLength;
    this.read = stage.byteOrder === 'BE' ? (b, o) => b.readUIntBE(o, n) : (b, o) => b.readUIntLE(o, n);
  }

  protected onChunk(chunk: Buffer): void {
    let pos = 0;
    const pending = this.pending;
    if (pending.length > 0) {
      // Finish the frame in progress first.
      if (this.frameSize < 0) {
        const needForHeader = this.headerEnd - pending.length;
        if (chunk.length < needForHeader) {
          pending.push(chunk);
          return;
        }
        // The header is a few bytes: joining what is held with the rest of it is cheap.
        const head = pending.take(chunk.subarray(0, needForHeader));
        pos = needForHeader;
        if (!this.decodeHeader(head, 0)) return;
        pending.push(head);
      }
      const need = this.frameSize - pending.length;
      if (chunk.length - pos < need) {
        pending.push(chunk.subarray(pos));
        return;
      }
      this.enqueue(pending.take(chunk.subarray(pos, pos + need)));
      this.frameSize = -1;
      pos += need;
    }
    const headerEnd = this.headerEnd;
    while (chunk.length - pos >= headerEnd) {
      if (!this.decodeHeader(chunk, pos)) return;
      const size = this.frameSize;
      if (chunk.length - pos < size) break;
      this.enqueue(chunk.subarray(pos, pos + size));
      this.frameSize = -1;
      pos += size;
    }
    if (pos < chunk.length) pending.push(chunk.subarray(pos));
  }

  /** Sets `frameSize` from the header at `offset`; on a bad size records the failure and returns false. */
  private decodeHeader(bytes: Buffer, offset: number): boolean {
    const s = this.stage;
    const value = this.read(bytes, offset + s.fieldOffset);
    let size: number;
    if (s.computeFrameSize === undefined) size = value + this.headerEnd;
    else {
      try {
        size = s.computeFrameSize(bytes.subarray(offset, offset + s.fieldOffset), value);
      } catch (e) {
        this.failWith(e);
        return false;
      }
      if (typeof size !== 'number' || !Number.isInteger(size) || size < this.headerEnd) {
        this.failWith(
          new FramingError(
            `${Op}: computeFrameSize returned ${describe(size)} for field value ${value}; a frame size must be an integer of at least ${this.headerEnd} (the header)`,
          ),
        );
        return false;
      }
    }
    if (size > s.maximumFrameLength) {
      this.failWith(new FramingError(`${Op}: the frame header announces a frame of ${size} bytes, more than maximumFrameLength ${s.maximumFrameLength}`));
      return false;
    }
    this.frameSize = size;
    return true;
  }

  private failWith(error: unknown): void {
    this.pending.clear();
    this.failAfterQueued(error);
  }

  protected onEndOfInput(): void {
    const n = this.pending.length;
    if (n === 0) return;
    const expected = this.frameSize >= 0 ? ` of the ${this.frameSize} its header announced` : `, too few for the ${this.headerEnd}-byte header`;
    this.failWith(new FramingError(`${Op}: the stream ended with a truncated frame of ${n} bytes${expected}`));
  }

  override postStop(): void {
    this.pending.clear();
  }
}
