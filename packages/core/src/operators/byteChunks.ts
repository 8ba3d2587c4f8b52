/**
 * Helpers shared by the byte operators: turning an incoming element into a `Buffer` without copying,
 * and the list of chunks that holds a partial frame until its end arrives.
 */
import { describe } from './validate.js';

/**
 * The element as a `Buffer` over the same memory (no copy); anything that is not a `Uint8Array` fails
 * the stream with a TypeError naming the operator — TypeScript callers cannot get here, JavaScript ones can.
 */
export function asBuffer(op: string, elem: unknown): Buffer {
  if (Buffer.isBuffer(elem)) return elem;
  if (elem instanceof Uint8Array) return Buffer.from(elem.buffer, elem.byteOffset, elem.byteLength);
  throw new TypeError(`${op}: expected Uint8Array elements, got ${typeof elem === 'string' ? 'a string' : describe(elem)}`);
}

/**
 * The bytes of a partial frame, kept as the chunks they arrived in: appending is O(1) and the bytes are
 * copied once, when the frame is complete (`concat`), never once per chunk.
 */
export class ByteChunks {
  private chunks: Buffer[] = [];
  /** Total bytes held. */
  length = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** All bytes held followed by `tail`, as one Buffer (a view when nothing needs joining); empties the list. */
  take(tail?: Buffer): Buffer {
    const chunks = this.chunks;
    const total = this.length + (tail === undefined ? 0 : tail.length);
    let result: Buffer;
    if (tail !== undefined && tail.length > 0) {
      if (chunks.length === 0) result = tail;
      else {
        chunks.push(tail);
        result = Buffer.concat(chunks, total);
      }
    } else if (chunks.length === 1) result = chunks[0]!;
    else result = Buffer.concat(chunks, total);
    this.chunks = [];
    this.length = 0;
    return result;
  }

  /** The last `n` bytes (n ≤ length) copied into a new Buffer, without disturbing the list. */
  last(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let need = n;
    for (let i = this.chunks.length - 1; i >= 0 && need > 0; i--) {
      const c = this.chunks[i]!;
      const k = Math.min(need, c.length);
      c.copy(out, need - k, c.length - k);
      need -= k;
    }
    return out;
  }

  clear(): void {
    this.chunks = [];
    this.length = 0;
  }
}
