/**
 * `JsonFraming.objectScanner(maximumObjectLength)`: cuts a byte stream of JSON into one element per
 * top-level value (Akka's `JsonObjectParser`, extended to every kind of JSON value).
 *
 * The input is either values one after another (whitespace or commas between them: NDJSON, or
 * `{…}{…}`), or a top-level array whose elements are emitted one by one (`[{…},{…}]`), or several
 * such arrays. A `[` between values is taken as such an array's opening bracket, never as a value.
 *
 * The scanner follows structure, not the whole grammar: it tracks strings (with escapes) and
 * brackets, checks that brackets match and that top-level scalars are numbers, `true`, `false` or
 * `null`, and leaves the rest to `JSON.parse` on each element. Inside strings it jumps from quote to
 * quote with `indexOf`; elsewhere it reads one byte at a time with no allocation.
 */
import type { Attributes } from '../stage/Attributes.js';
import type { GraphStageLogic } from '../stage/GraphStageLogic.js';
import type { FlowShape } from '../stage/Shape.js';
import { ByteChunks } from './byteChunks.js';
import { FlowStage } from './FlowStage.js';
import { FramingError } from './FramingError.js';
import { FrameQueueLogic } from './frameQueueInternals.js';
import { requirePositiveInt } from './validate.js';

const Op = 'JsonFraming.objectScanner';

const Quote = 0x22;
const Backslash = 0x5c;
const Comma = 0x2c;
const OpenBracket = 0x5b;
const CloseBracket = 0x5d;
const OpenBrace = 0x7b;
const CloseBrace = 0x7d;

/** Where the scanner is between values. */
const Top = 0; // not inside a top-level array
const ArrayStart = 1; // just after a top-level '['
const ArrayAfterValue = 2; // after an element: ',' or ']' next
const ArrayAfterComma = 3; // after ',': an element next

const ScalarPattern = /^(?:-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null)$/;

function isWhitespace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** Bytes a number or a literal is made of (a superset: the token is checked as a whole at its end). */
function isScalarByte(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a) || b === 0x2d || b === 0x2b || b === 0x2e;
}

function isScalarStart(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || b === 0x2d || (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a);
}

function show(b: number): string {
  return b >= 0x20 && b < 0x7f ? `'${String.fromCharCode(b)}'` : `byte 0x${b.toString(16).padStart(2, '0')}`;
}

export class JsonObjectScanner extends FlowStage<Uint8Array, Buffer> {
  constructor(readonly maximumObjectLength: number) {
    super(Op);
    requirePositiveInt(Op, 'maximumObjectLength', maximumObjectLength);
  }
  createLogic(_attributes: Attributes): GraphStageLogic {
    return new JsonObjectScannerLogic(this.shape, this.maximumObjectLength);
  }
}

class JsonObjectScannerLogic extends FrameQueueLogic<Buffer> {
  /** Stream offset of the current chunk's first byte. */
  private base = 0;
  private mode = Top;
  /** Stream offset of the top-level '[' we are inside (for the truncation message). */
  private arrayOpenedAt = -1;

  // The value being scanned.
  private inValue = false;
  private valueStart = 0; // stream offset
  private inString = false;
  private escaped = false; // the previous byte inside a string was an unescaped backslash
  private inScalar = false;
  /** The closing bracket each open container expects, innermost last. */
  private readonly closers: number[] = [];
  /** Bytes of the current value from earlier chunks. */
  private readonly pending = new ByteChunks();

  constructor(
    shape: FlowShape<Uint8Array, Buffer>,
    private readonly max: number,
  ) {
    super(shape, Op);
  }

  protected onChunk(chunk: Buffer): void {
    const len = chunk.length;
    const closers = this.closers;
    let i = 0;
    // Index in this chunk where the current value starts (0 if it started in an earlier chunk).
    let start = 0;
    while (i < len) {
      if (this.inValue) {
        if (this.inString) {
          if (this.escaped) {
            this.escaped = false;
            i++;
            continue;
          }
          const q = chunk.indexOf(Quote, i);
          if (q === -1) {
            // No closing quote here; an odd run of backslashes at the end escapes the next chunk's first byte.
            let k = len - 1;
            while (k >= i && chunk[k] === Backslash) k--;
            this.escaped = ((len - 1 - k) & 1) === 1;
            i = len;
            break;
          }
          let k = q - 1;
          while (k >= i && chunk[k] === Backslash) k--;
          i = q + 1;
          if (((q - 1 - k) & 1) === 1) continue; // an escaped quote
          this.inString = false;
          if (closers.length === 0 && !this.endValue(chunk, start, i, false)) return;
          continue;
        }
        const b = chunk[i]!;
        if (this.inScalar) {
          if (isScalarByte(b)) {
            i++;
            continue;
          }
          // The scalar ended before this byte, which is read again between values.
          this.inScalar = false;
          if (!this.endValue(chunk, start, i, true)) return;
          continue;
        }
        i++;
        if (b === Quote) this.inString = true;
        else if (b === OpenBrace) closers.push(CloseBrace);
        else if (b === OpenBracket) closers.push(CloseBracket);
        else if (b === CloseBrace || b === CloseBracket) {
          const expected = closers.pop();
          if (expected !== b) {
            this.invalid(`unexpected ${show(b)} at byte offset ${this.base + i - 1} (expected ${show(expected!)})`);
            return;
          }
          if (closers.length === 0 && !this.endValue(chunk, start, i, false)) return;
        }
        continue;
      }

      // Between values.
      const b = chunk[i]!;
      if (isWhitespace(b)) {
        i++;
        continue;
      }
      const mode = this.mode;
      if (b === Comma) {
        if (mode === ArrayAfterValue) this.mode = ArrayAfterComma;
        else if (mode !== Top) {
          this.invalid(`unexpected ',' at byte offset ${this.base + i} (expected ${mode === ArrayStart ? "a value or ']'" : 'a value'})`);
          return;
        }
        i++;
        continue;
      }
      if (b === OpenBracket && mode === Top) {
        this.mode = ArrayStart;
        this.arrayOpenedAt = this.base + i;
        i++;
        continue;
      }
      if (b === CloseBracket && (mode === ArrayStart || mode === ArrayAfterValue)) {
        this.mode = Top;
        i++;
        continue;
      }
      if (mode === ArrayAfterValue) {
        this.invalid(`unexpected ${show(b)} at byte offset ${this.base + i} (expected ',' or ']' after an array element)`);
        return;
      }
      if (b === Quote) this.inString = true;
      else if (b === OpenBrace) closers.push(CloseBrace);
      else if (b === OpenBracket) closers.push(CloseBracket);
      else if (isScalarStart(b)) this.inScalar = true;
      else {
        this.invalid(`unexpected ${show(b)} at byte offset ${this.base + i} (expected a JSON value)`);
        return;
      }
      this.inValue = true;
      this.valueStart = this.base + i;
      start = i;
      i++;
    }
    if (this.inValue) {
      this.pending.push(start === 0 ? chunk : chunk.subarray(start));
      if (this.pending.length > this.max) {
        this.invalid(
          `read ${this.pending.length} bytes of the JSON value starting at byte offset ${this.valueStart} without reaching its end, more than maximumObjectLength ${this.max}`,
        );
        return;
      }
    }
    this.base += len;
  }

  /** The current value ends just before chunk index `end`: checks and queues it. */
  private endValue(chunk: Buffer, start: number, end: number, scalar: boolean): boolean {
    const pending = this.pending;
    const size = pending.length + end - start;
    if (size > this.max) {
      this.invalid(`a JSON value of ${size} bytes (at byte offset ${this.valueStart}) exceeds maximumObjectLength ${this.max}`);
      return false;
    }
    const value = pending.length > 0 ? pending.take(chunk.subarray(0, end)) : chunk.subarray(start, end);
    return this.accept(value, scalar);
  }

  private accept(value: Buffer, scalar: boolean): boolean {
    if (scalar && !ScalarPattern.test(value.toString('latin1'))) {
      this.invalid(`invalid JSON value ${JSON.stringify(value.toString('latin1'))} at byte offset ${this.valueStart}`);
      return false;
    }
    this.inValue = false;
    if (this.mode !== Top) this.mode = ArrayAfterValue;
    this.enqueue(value);
    return true;
  }

  private invalid(what: string): void {
    this.pending.clear();
    this.inValue = false;
    this.failAfterQueued(new FramingError(`${Op}: ${what}`));
  }

  protected onEndOfInput(): void {
    if (this.inValue) {
      if (this.inScalar && this.mode === Top) {
        // Between top-level values the end of the stream ends a number or literal, as whitespace would.
        this.inScalar = false;
        if (!this.accept(this.pending.take(), true)) return;
      } else if (!this.inScalar) {
        const n = this.pending.length;
        this.invalid(`the stream ended inside a JSON value: ${n} bytes from byte offset ${this.valueStart} without its end`);
        return;
      }
      // else: a scalar in the array was cut off with the array: not emitted, reported below.
    }
    if (this.mode !== Top) this.invalid(`the stream ended inside the top-level JSON array opened at byte offset ${this.arrayOpenedAt} (no closing ']')`);
  }

  override postStop(): void {
    this.pending.clear();
  }
}
