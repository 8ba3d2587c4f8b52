/**
 * Compression against node:zlib's one-shot functions: random bytes (compressible or not) cut at random
 * points and compressed by the flow decompress with `zlib.*Sync` to the same bytes; `zlib.*Sync` output
 * cut at random points and decompressed by the flow gives the original, in chunks of at most
 * `maxBytesPerChunk`. Under random demand, placement and interpreter chunking.
 */
import zlib from 'node:zlib';
import { Compression } from '@tributary/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byteEnvArb, describeOutcome, runBytes } from './bytesHarness.js';
import { labelled, PROPERTY_TIMEOUT, runs } from './harness.js';

const RUNS = runs(40);

/** Random bytes, or runs of a few repeated bytes (compressible). */
const dataArb = fc
  .oneof(
    fc.uint8Array({ maxLength: 3000 }).map((a) => Buffer.from(a)),
    fc
      .array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 2000 })), { maxLength: 10 })
      .map((runsOf) => Buffer.concat(runsOf.map(([v, n]) => Buffer.alloc(n, v)))),
  )
  .map((b) => labelled(b, `${b.length} bytes ${b.subarray(0, 16).toString('hex')}…`));

const formats = [
  { name: 'gzip', compress: () => Compression.gzip(), decompress: (max: number) => Compression.gunzip(max), sync: zlib.gzipSync, unsync: zlib.gunzipSync },
  {
    name: 'deflate',
    compress: () => Compression.deflate(),
    decompress: (max: number) => Compression.inflate(max),
    sync: zlib.deflateSync,
    unsync: zlib.inflateSync,
  },
] as const;

describe('Compression equals node:zlib under random chunking, demand and placement', () => {
  for (const f of formats) {
    it(
      `${f.name}: zlib decompresses what the flow compressed`,
      () =>
        fc.assert(
          fc.asyncProperty(dataArb, byteEnvArb, async (data, env) => {
            const run = await runBytes(data, f.compress(), env);
            expect(run.terminal.kind, describeOutcome(run)).toBe('complete');
            expect(f.unsync(Buffer.concat(run.elements)).equals(data)).toBe(true);
          }),
          { numRuns: RUNS },
        ),
      PROPERTY_TIMEOUT,
    );

    it(
      `${f.name}: the flow decompresses what zlib compressed, in chunks of at most maxBytesPerChunk`,
      () =>
        fc.assert(
          fc.asyncProperty(dataArb, fc.integer({ min: 1, max: 5000 }), byteEnvArb, async (data, max, env) => {
            const run = await runBytes(f.sync(data), f.decompress(max), env);
            expect(run.terminal.kind, describeOutcome(run)).toBe('complete');
            expect(run.elements.every((c) => c.length > 0 && c.length <= max)).toBe(true);
            expect(Buffer.concat(run.elements).equals(data)).toBe(true);
          }),
          { numRuns: RUNS },
        ),
      PROPERTY_TIMEOUT,
    );
  }
});
