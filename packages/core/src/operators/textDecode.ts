/**
 * `TextFlow.decode(encoding)`: bytes to text, with characters split across chunks decoded correctly.
 *
 * Node's own encodings go through `string_decoder` (the decoder Node's streams use); any other WHATWG
 * label (`'windows-1252'`, `'shift_jis'`, …) through `TextDecoder` in streaming mode. Either one holds
 * the bytes of an incomplete character until the rest arrives, and emits a replacement character for
 * bytes left incomplete at the end.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Attributes } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { asBuffer } from './byteChunks.js';
import { FlowStage } from './FlowStage.js';
import { describe, requireString } from './validate.js';

const Op = 'TextFlow.decode';

interface IncrementalDecoder {
  write(bytes: Buffer): string;
  end(): string;
}

export class TextDecode extends FlowStage<Uint8Array, string> {
  private readonly createDecoder: () => IncrementalDecoder;

  constructor(readonly encoding: string = 'utf8') {
    super(Op);
    requireString(Op, 'encoding', encoding);
    if (Buffer.isEncoding(encoding)) {
      this.createDecoder = () => new StringDecoder(encoding);
    } else {
      try {
        new TextDecoder(encoding);
      } catch {
        throw new RangeError(
          `${Op}: unknown encoding ${describe(encoding)} (expected a Node encoding such as 'utf8', 'utf16le', 'latin1', or a WHATWG encoding label such as 'windows-1252')`,
        );
      }
      this.createDecoder = () => {
        const decoder = new TextDecoder(encoding);
        return { write: (bytes) => decoder.decode(bytes, { stream: true }), end: () => decoder.decode() };
      };
    }
  }

  createLogic(_attributes: Attributes): GraphStageLogic {
    return new TextDecodeLogic(this, this.createDecoder());
  }
}

class TextDecodeLogic extends GraphStageLogic implements InHandler, OutHandler {
  constructor(
    private readonly stage: TextDecode,
    private readonly decoder: IncrementalDecoder,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }

  onPush(): void {
    const s = this.stage;
    const text = this.decoder.write(asBuffer(Op, this.grab(s.in)));
    // A chunk holding only part of a character yields no text: nothing to emit, ask for more.
    if (text.length > 0) this.push(s.out, text);
    else this.pull(s.in);
  }

  onPull(): void {
    this.pull(this.stage.in);
  }

  onUpstreamFinish(): void {
    const rest = this.decoder.end();
    if (rest.length > 0) this.emit(this.stage.out, rest, () => this.completeStage());
    else this.completeStage();
  }
}
