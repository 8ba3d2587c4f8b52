/**
 * The framing operators against whole-buffer oracles: whatever the chunking of the input (empty chunks,
 * one byte at a time, delimiters and headers cut anywhere), whatever the demand, placement and
 * interpreter chunking, the frames and the way the stream ends are those of scanning the whole input
 * at once. The harness also checks that demand is never exceeded and that every stage stops.
 */

import { Framing, FramingError } from '@tributary/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ByteEnv, byteEnvArb, describeOutcome, type Expected, runBytes } from './bytesHarness.js';
import { labelled, PROPERTY_TIMEOUT, runs } from './harness.js';

const RUNS = runs(150);

function checkOutcome(run: Awaited<ReturnType<typeof runBytes<Buffer>>>, expected: Expected<Buffer>): void {
  expect(run.elements.map((f) => f.toString('hex'))).toEqual(expected.elements.map((f) => f.toString('hex')));
  if (expected.error === undefined) {
    expect(run.terminal.kind, describeOutcome(run)).toBe('complete');
  } else {
    expect(run.terminal.kind, describeOutcome(run)).toBe('error');
    const error = (run.terminal as { error: Error }).error;
    expect(error).toBeInstanceOf(FramingError);
    if (typeof expected.error === 'string') expect(error.message).toBe(expected.error);
    else expect(error.message).toMatch(expected.error);
  }
}

// ───────────────────────────── delimiter ─────────────────────────────

/** Frames of the whole buffer, split with indexOf from left to right. */
function delimiterOracle(whole: Buffer, d: Buffer, max: number, allowTruncation: boolean): Expected<Buffer> {
  const frames: Buffer[] = [];
  const tooLong = new RegExp(
    `^Framing\\.delimiter: (a frame of \\d+ bytes exceeds|read \\d+ bytes without finding the delimiter, more than) maximumFrameLength ${max}$`,
  );
  let pos = 0;
  for (;;) {
    const at = whole.indexOf(d, pos);
    if (at === -1) break;
    if (at - pos > max) return { elements: frames, error: tooLong };
    frames.push(whole.subarray(pos, at));
    pos = at + d.length;
  }
  const tail = whole.length - pos;
  if (tail === 0) return { elements: frames };
  if (tail > max + d.length - 1) return { elements: frames, error: tooLong }; // known too long before the end
  if (!allowTruncation) {
    return {
      elements: frames,
      error: `Framing.delimiter: the stream ended with a truncated frame of ${tail} bytes (no delimiter after it; set allowTruncation to emit it)`,
    };
  }
  if (tail > max) return { elements: frames, error: tooLong };
  return { elements: [...frames, whole.subarray(pos)] };
}

/** Bytes from a 3-letter alphabet, so delimiters, partial delimiters and overlaps are frequent. */
const alphabetBytes = (maxLength: number) => fc.array(fc.constantFrom(0x61, 0x62, 0x0a), { maxLength }).map((xs) => Buffer.from(xs));

const delimiterCaseArb = fc
  .record({
    delimiter: fc.array(fc.constantFrom(0x61, 0x62, 0x0a), { minLength: 1, maxLength: 4 }).map((xs) => Buffer.from(xs)),
    whole: alphabetBytes(120),
    max: fc.integer({ min: 1, max: 24 }),
    allowTruncation: fc.boolean(),
  })
  .map((c) =>
    labelled(
      c,
      `delimiter ${JSON.stringify(c.delimiter.toString())}, max ${c.max}, allowTruncation ${c.allowTruncation}, input ${JSON.stringify(c.whole.toString())}`,
    ),
  );

// ───────────────────────────── lengthField ─────────────────────────────

interface LengthFieldCase {
  readonly fieldLength: 1 | 2 | 3 | 4;
  readonly fieldOffset: number;
  readonly byteOrder: 'BE' | 'LE';
  readonly max: number;
  /** The length field counts 2-byte units after the header (exercises computeFrameSize). */
  readonly computed: boolean;
  readonly whole: Buffer;
}

function frameSizeOf(c: LengthFieldCase, value: number): number {
  const header = c.fieldOffset + c.fieldLength;
  return c.computed ? header + 2 * value : header + value;
}

function lengthFieldOracle(c: LengthFieldCase): Expected<Buffer> {
  const header = c.fieldOffset + c.fieldLength;
  const frames: Buffer[] = [];
  let pos = 0;
  while (c.whole.length - pos >= header) {
    const at = pos + c.fieldOffset;
    const value = c.byteOrder === 'BE' ? c.whole.readUIntBE(at, c.fieldLength) : c.whole.readUIntLE(at, c.fieldLength);
    const size = frameSizeOf(c, value);
    if (size > c.max)
      return { elements: frames, error: `Framing.lengthField: the frame header announces a frame of ${size} bytes, more than maximumFrameLength ${c.max}` };
    if (c.whole.length - pos < size) {
      return {
        elements: frames,
        error: `Framing.lengthField: the stream ended with a truncated frame of ${c.whole.length - pos} bytes of the ${size} its header announced`,
      };
    }
    frames.push(c.whole.subarray(pos, pos + size));
    pos += size;
  }
  const rest = c.whole.length - pos;
  if (rest === 0) return { elements: frames };
  return { elements: frames, error: `Framing.lengthField: the stream ended with a truncated frame of ${rest} bytes, too few for the ${header}-byte header` };
}

/** Well-formed frames (payloads of 0..30 bytes), then maybe a cut tail or an oversized header. */
const lengthFieldCaseArb: fc.Arbitrary<LengthFieldCase> = fc
  .record({
    fieldLength: fc.constantFrom<1 | 2 | 3 | 4>(1, 2, 3, 4),
    fieldOffset: fc.integer({ min: 0, max: 3 }),
    byteOrder: fc.constantFrom<'BE' | 'LE'>('BE', 'LE'),
    computed: fc.boolean(),
    payloads: fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 12 }),
    extraMax: fc.integer({ min: 0, max: 80 }),
    ending: fc.constantFrom('clean', 'clean', 'cut', 'oversized'),
    cutBy: fc.integer({ min: 1, max: 40 }),
    seed: fc.integer({ min: 0, max: 255 }),
  })
  .map((r) => {
    const header = r.fieldOffset + r.fieldLength;
    const parts: Buffer[] = [];
    r.payloads.forEach((n, i) => {
      const value = r.computed ? Math.ceil(n / 2) : n;
      const frame = Buffer.alloc(frameSizeOf({ ...r, max: 0, whole: Buffer.alloc(0) }, value), (r.seed + i) & 0xff);
      if (r.byteOrder === 'BE') frame.writeUIntBE(value, r.fieldOffset, r.fieldLength);
      else frame.writeUIntLE(value, r.fieldOffset, r.fieldLength);
      parts.push(frame);
    });
    let whole = Buffer.concat(parts);
    if (r.ending === 'cut') whole = whole.subarray(0, Math.max(0, whole.length - r.cutBy));
    if (r.ending === 'oversized') {
      const big = Buffer.alloc(header, 0xff); // the field's maximum value
      whole = Buffer.concat([whole, big]);
    }
    const c: LengthFieldCase = {
      fieldLength: r.fieldLength,
      fieldOffset: r.fieldOffset,
      byteOrder: r.byteOrder,
      computed: r.computed,
      max: header + r.extraMax,
      whole,
    };
    return labelled(
      c,
      `lengthField(${c.fieldLength}, ${c.fieldOffset}, ${c.max}, '${c.byteOrder}'${c.computed ? ', units of 2' : ''}) over ${whole.toString('hex')}`,
    );
  });

describe('framing equals a whole-buffer oracle under random chunking, demand and placement', () => {
  it('oracles reproduce the documented examples', () => {
    expect(delimiterOracle(Buffer.from('a;b;c;'), Buffer.from(';'), 10, false).elements.map(String)).toEqual(['a', 'b', 'c']);
    const lf = lengthFieldOracle({
      fieldLength: 2,
      fieldOffset: 0,
      byteOrder: 'BE',
      max: 1024,
      computed: false,
      whole: Buffer.from([0, 2, 104, 105, 0, 1, 33]),
    });
    expect(lf).toEqual({ elements: [Buffer.from([0, 2, 104, 105]), Buffer.from([0, 1, 33])] });
  });

  it(
    'Framing.delimiter (multi-byte delimiters, truncation, limits) ≈ indexOf over the whole input',
    () =>
      fc.assert(
        fc.asyncProperty(delimiterCaseArb, byteEnvArb, async (c, env: ByteEnv) => {
          const run = await runBytes(c.whole, Framing.delimiter(c.delimiter, c.max, { allowTruncation: c.allowTruncation }), env);
          checkOutcome(run, delimiterOracle(c.whole, c.delimiter, c.max, c.allowTruncation));
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'Framing.lengthField (all field lengths, offsets, both byte orders, computeFrameSize) ≈ parsing the whole input',
    () =>
      fc.assert(
        fc.asyncProperty(lengthFieldCaseArb, byteEnvArb, async (c, env: ByteEnv) => {
          const compute = c.computed ? (_offsetBytes: Buffer, value: number) => c.fieldOffset + c.fieldLength + 2 * value : undefined;
          const run = await runBytes(c.whole, Framing.lengthField(c.fieldLength, c.fieldOffset, c.max, c.byteOrder, compute), env);
          checkOutcome(run, lengthFieldOracle(c));
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'simpleFramingProtocol: decode(encode(messages)) = messages, whatever the chunking in between',
    () =>
      fc.assert(
        fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 10 }), byteEnvArb, async (messages, env) => {
          const encoded = Buffer.concat(messages.map((m) => Buffer.concat([Buffer.from([0, 0, 0, m.length]), m])));
          const run = await runBytes(encoded, Framing.simpleFramingProtocolDecoder(40), env);
          checkOutcome(run, { elements: messages.map((m) => Buffer.from(m)) });
        }),
        { numRuns: runs(60) },
      ),
    PROPERTY_TIMEOUT,
  );
});
