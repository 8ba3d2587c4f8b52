/**
 * `Framing.simpleFramingProtocolEncoder(maximumMessageLength)`: prefixes each message with its length
 * as a 4-byte big-endian integer. A message over the limit fails the stream (a framing error is not a
 * user-function error, so supervision does not apply: nothing is dropped silently).
 */
import type { Attributes } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { asBuffer } from './byteChunks.js';
import { FlowStage } from './FlowStage.js';
import { FramingError } from './FramingError.js';
import { requirePositiveInt } from './validate.js';

const Op = 'Framing.simpleFramingProtocolEncoder';

/** The largest length a 4-byte unsigned header can carry. */
export const MaxSimpleFramingMessageLength = 0xffff_ffff;

export class SimpleFramingProtocolEncoder extends FlowStage<Uint8Array, Buffer> {
  constructor(readonly maximumMessageLength: number) {
    super(Op);
    requireMessageLength(Op, maximumMessageLength);
  }
  createLogic(_attributes: Attributes): GraphStageLogic {
    return new EncoderLogic(this);
  }
}

export function requireMessageLength(op: string, n: number): void {
  requirePositiveInt(op, 'maximumMessageLength', n);
  if (n > MaxSimpleFramingMessageLength)
    throw new RangeError(`${op}: maximumMessageLength must be at most ${MaxSimpleFramingMessageLength} (a 4-byte length), got ${n}`);
}

class EncoderLogic extends GraphStageLogic implements InHandler, OutHandler {
  constructor(private readonly stage: SimpleFramingProtocolEncoder) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  onPush(): void {
    const s = this.stage;
    const message = asBuffer(Op, this.grab(s.in));
    const n = message.length;
    if (n > s.maximumMessageLength) {
      this.failStage(new FramingError(`${Op}: a message of ${n} bytes exceeds maximumMessageLength ${s.maximumMessageLength}`));
      return;
    }
    const framed = Buffer.allocUnsafe(4 + n);
    framed.writeUInt32BE(n, 0);
    message.copy(framed, 4);
    this.push(s.out, framed);
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
}
