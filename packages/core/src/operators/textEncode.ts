/**
 * `TextFlow.encode(encoding)`: text to bytes.
 *
 * In UTF-8 a character outside the Basic Multilingual Plane is a surrogate pair, two UTF-16 units —
 * and a producer cutting text into elements may cut between them. Encoding each half alone would
 * give two replacement characters, so a trailing high surrogate is held back and encoded with the
 * next element (as `TextEncoderStream` does).
 */
import type { Attributes } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { FlowStage } from './FlowStage.js';
import { describe } from './validate.js';

const Op = 'TextFlow.encode';

/** Encodings that turn text into bytes character by character (so any cut between elements is fine). */
const TextEncodings: readonly string[] = ['utf8', 'utf-8', 'utf16le', 'utf-16le', 'ucs2', 'ucs-2', 'latin1', 'binary', 'ascii'];

export type TextEncoding = 'utf8' | 'utf-8' | 'utf16le' | 'utf-16le' | 'ucs2' | 'ucs-2' | 'latin1' | 'binary' | 'ascii';

export class TextEncode extends FlowStage<string, Buffer> {
  readonly encoding: BufferEncoding;

  constructor(encoding: TextEncoding = 'utf8') {
    super(Op);
    if (typeof encoding !== 'string' || !TextEncodings.includes(encoding.toLowerCase())) {
      throw new RangeError(`${Op}: encoding must be one of ${TextEncodings.map((e) => `'${e}'`).join(', ')}, got ${describe(encoding)}`);
    }
    this.encoding = encoding.toLowerCase() as BufferEncoding;
  }

  createLogic(_attributes: Attributes): GraphStageLogic {
    return new TextEncodeLogic(this);
  }
}

class TextEncodeLogic extends GraphStageLogic implements InHandler, OutHandler {
  private readonly utf8: boolean;
  /** A high surrogate that ended the previous element, waiting for its low half. */
  private heldSurrogate = '';

  constructor(private readonly stage: TextEncode) {
    super(stage.shape);
    this.utf8 = stage.encoding === 'utf8' || stage.encoding === 'utf-8';
    this.setHandlers(stage.in, stage.out, this);
  }

  onPush(): void {
    const s = this.stage;
    let text = this.grab(s.in);
    if (typeof text !== 'string') throw new TypeError(`${Op}: expected string elements, got ${describe(text)}`);
    if (this.utf8) {
      if (this.heldSurrogate !== '') {
        text = this.heldSurrogate + text;
        this.heldSurrogate = '';
      }
      const last = text.charCodeAt(text.length - 1);
      if (last >= 0xd800 && last <= 0xdbff) {
        this.heldSurrogate = text.slice(-1);
        text = text.slice(0, -1);
      }
    }
    if (text.length > 0) this.push(s.out, Buffer.from(text, s.encoding));
    else this.pull(s.in);
  }

  onPull(): void {
    this.pull(this.stage.in);
  }

  onUpstreamFinish(): void {
    // A high surrogate with no low half is encoded as what it is: a replacement character.
    if (this.heldSurrogate !== '') this.emit(this.stage.out, Buffer.from(this.heldSurrogate, 'utf8'), () => this.completeStage());
    else this.completeStage();
  }
}
