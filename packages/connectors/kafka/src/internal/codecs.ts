/**
 * # Compression codecs for kafkajs: snappy, lz4, zstd
 *
 * kafkajs reads and writes only gzip itself; for the other codecs of Kafka's record batches it throws
 * `KafkaJSNotImplemented` unless a codec is registered in its `CompressionCodecs` table. This module
 * registers all three, on libraries without a native build:
 *
 * - **snappy** (`snappyjs`, pure JS). Kafka's Java client writes Snappy in xerial's stream framing
 *   (`SnappyOutputStream`): a 16-byte header (`\x82SNAPPY\0`, version 1, compatible version 1) and then
 *   blocks, each a big-endian int32 length and a raw Snappy block. Reading accepts that framing and plain
 *   raw Snappy (what other clients write); writing uses the framing, with 32 KiB blocks as Java does.
 * - **lz4** (`lz4js`, pure JS): Kafka uses the standard LZ4 frame format (for record batch v2 with the
 *   correct header checksum) and accepts only *independent* blocks; `lz4js` reads any frame, and frames
 *   are written here as Java writes them: 64 KiB blocks, each compressed on its own (a fresh hash table,
 *   no match reaching into the previous block), block-independence flag set, no checksums.
 * - **zstd**: reading with `fzstd` (pure JS, streaming, so frames that do not declare their content size —
 *   the Java client's — decode), writing with `@bokuweb/zstd-wasm` (the reference zstd compiled to
 *   WebAssembly, loaded on first use) at level 3, zstd's default.
 *
 * Registration happens once, when the first kafkajs client is created (`createKafka`).
 */
import { createRequire } from 'node:module';
import { decompress as zstdDecompress } from 'fzstd';

// All three are CommonJS: Node's ESM loader cannot see kafkajs' `CompressionCodecs` as a named export,
// and snappyjs and lz4js ship no types (what is used of them is typed here).
const require = createRequire(import.meta.url);
const { CompressionCodecs, CompressionTypes } = require('kafkajs') as typeof import('kafkajs');
const snappy = require('snappyjs') as {
  /** Raw (unframed) Snappy. */
  compress(data: Uint8Array): Uint8Array;
  uncompress(data: Uint8Array): Uint8Array;
};
const lz4 = require('lz4js') as {
  /** Reads an LZ4 frame (magic 0x184D2204). */
  decompress(frame: Uint8Array): Uint8Array;
  compressBound(n: number): number;
  /** Compresses `src[sIndex, sIndex + sLength)` as one LZ4 block into `dst`; 0 when incompressible. */
  compressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, hashTable: Uint32Array): number;
};
const { hash: xxh32 } = require('lz4js/xxh32.js') as { hash(seed: number, src: Uint8Array, index: number, length: number): number };

interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

const toBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

// ───────────────────────────── snappy (xerial framing) ─────────────────────────────

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_LENGTH = 16;
const XERIAL_BLOCK = 32 * 1024;

function isXerial(b: Buffer): boolean {
  return b.length >= XERIAL_HEADER_LENGTH && b.compare(XERIAL_MAGIC, 0, 8, 0, 8) === 0;
}

export function snappyDecompress(b: Buffer): Buffer {
  if (!isXerial(b)) return toBuffer(snappy.uncompress(b));
  const blocks: Buffer[] = [];
  let i = XERIAL_HEADER_LENGTH;
  while (i < b.length) {
    if (i + 4 > b.length) throw new Error(`snappy: truncated xerial block header at byte ${i} of ${b.length}`);
    const length = b.readInt32BE(i);
    i += 4;
    if (length < 0 || i + length > b.length) throw new Error(`snappy: xerial block of ${length} bytes at byte ${i} overruns the ${b.length}-byte payload`);
    blocks.push(toBuffer(snappy.uncompress(b.subarray(i, i + length))));
    i += length;
  }
  return blocks.length === 1 ? blocks[0]! : Buffer.concat(blocks);
}

export function snappyCompress(b: Buffer): Buffer {
  const header = Buffer.alloc(XERIAL_HEADER_LENGTH);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(1, 8);
  header.writeInt32BE(1, 12);
  const parts: Buffer[] = [header];
  for (let i = 0; i < b.length; i += XERIAL_BLOCK) {
    const block = toBuffer(snappy.compress(b.subarray(i, Math.min(b.length, i + XERIAL_BLOCK))));
    const length = Buffer.alloc(4);
    length.writeInt32BE(block.length, 0);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}

// ───────────────────────────── lz4 (independent blocks) ─────────────────────────────

const LZ4_MAGIC = 0x184d2204;
const LZ4_FLG = 0x60; // version 01, blocks independent, no block/content checksum, no content size
const LZ4_BD = 0x40; // 64 KiB maximum block size
const LZ4_BLOCK = 64 * 1024;
const LZ4_UNCOMPRESSED = 0x80000000;
let lz4HashTable: Uint32Array | null = null;
let lz4BlockBuffer: Buffer | null = null;

export function lz4Compress(b: Buffer): Buffer {
  const hashTable = (lz4HashTable ??= new Uint32Array(1 << 16));
  const blockBuffer = (lz4BlockBuffer ??= Buffer.alloc(lz4.compressBound(LZ4_BLOCK)));
  const header = Buffer.alloc(7);
  header.writeUInt32LE(LZ4_MAGIC, 0);
  header[4] = LZ4_FLG;
  header[5] = LZ4_BD;
  header[6] = (xxh32(0, header, 4, 2) >>> 8) & 0xff;
  const parts: Buffer[] = [header];
  for (let i = 0; i < b.length; i += LZ4_BLOCK) {
    const block = b.subarray(i, Math.min(b.length, i + LZ4_BLOCK));
    hashTable.fill(0);
    const n = lz4.compressBlock(block, blockBuffer, 0, block.length, hashTable);
    const size = Buffer.alloc(4);
    if (n > 0 && n < block.length) {
      size.writeUInt32LE(n, 0);
      parts.push(size, Buffer.from(blockBuffer.subarray(0, n)));
    } else {
      size.writeUInt32LE((LZ4_UNCOMPRESSED | block.length) >>> 0, 0);
      parts.push(size, block);
    }
  }
  parts.push(Buffer.alloc(4)); // end mark
  return Buffer.concat(parts);
}

// ───────────────────────────── zstd ─────────────────────────────

type ZstdWasm = { compress(data: Uint8Array, level?: number): Uint8Array };
let zstdWasm: Promise<ZstdWasm> | null = null;

function zstdCompressor(): Promise<ZstdWasm> {
  zstdWasm ??= import('@bokuweb/zstd-wasm').then(async (m) => {
    await m.init();
    return m;
  });
  return zstdWasm;
}

export async function zstdCompress(b: Buffer): Promise<Buffer> {
  const z = await zstdCompressor();
  return toBuffer(z.compress(b, 3));
}

// ───────────────────────────── registration ─────────────────────────────

const codecs: Record<number, Codec> = {
  [CompressionTypes.Snappy]: {
    compress: async (encoder) => snappyCompress(encoder.buffer),
    decompress: async (buffer) => snappyDecompress(buffer),
  },
  [CompressionTypes.LZ4]: {
    compress: async (encoder) => lz4Compress(encoder.buffer),
    decompress: async (buffer) => toBuffer(lz4.decompress(buffer)),
  },
  [CompressionTypes.ZSTD]: {
    compress: (encoder) => zstdCompress(encoder.buffer),
    decompress: async (buffer) => toBuffer(zstdDecompress(buffer)),
  },
};

let registered = false;

/** Registers the snappy, lz4 and zstd codecs with kafkajs (once). */
export function registerCodecs(): void {
  if (registered) return;
  registered = true;
  const table = CompressionCodecs as unknown as Record<number, () => Codec>;
  for (const [type, codec] of Object.entries(codecs)) table[Number(type)] = () => codec;
}
