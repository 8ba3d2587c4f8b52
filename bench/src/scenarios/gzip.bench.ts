/**
 * gzip: compress ~64 MiB of log text (64 KiB chunks) with gzip and decompress it again in one
 * pipeline, counting the bytes that come out. Both zlib streams run on libuv's thread pool in every
 * streaming contender; the baseline does the same work with one-shot synchronous calls.
 */
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { Compression, Sink, Source } from '@tributary/core';
import type { Scenario } from '../harness.js';
import { logData } from '../logLines.js';

const countBytes = Sink.fold(0, (n: number, chunk: Buffer) => n + chunk.length);

export function gzip(totalBytes: number): Scenario {
  const data = logData(totalBytes);
  const chunks = data.chunks;
  return {
    name: 'gzip',
    description: `gzip → gunzip round trip of ${(data.bytes / 2 ** 20).toFixed(0)} MiB of log text in 64 KiB chunks (elements = bytes)`,
    elements: data.bytes,
    contenders: [
      {
        name: 'loop',
        note: 'zlib.gunzipSync(zlib.gzipSync(whole input)): one-shot, synchronous, no streaming',
        run: () => zlib.gunzipSync(zlib.gzipSync(Buffer.concat(chunks))).length,
      },
      {
        name: 'tributary',
        note: 'Source.from(chunks).via(Compression.gzip()).via(Compression.gunzip()) → Sink.fold(bytes); gzip flushes each chunk (autoFlush, Akka’s default)',
        run: () => Source.from(chunks).via(Compression.gzip()).via(Compression.gunzip()).runWith(countBytes),
      },
      {
        name: 'trib-noflush',
        note: 'the same with Compression.gzip(-1, { autoFlush: false }), like zlib.createGzip()',
        run: () =>
          Source.from(chunks)
            .via(Compression.gzip(-1, { autoFlush: false }))
            .via(Compression.gunzip())
            .runWith(countBytes),
      },
      {
        name: 'node-streams',
        note: 'pipeline(Readable.from(chunks), zlib.createGzip(), zlib.createGunzip(), counting Writable)',
        run: async () => {
          let n = 0;
          await pipeline(
            chunksReadable(chunks),
            zlib.createGzip(),
            zlib.createGunzip(),
            new Writable({
              write(chunk: Buffer, _encoding, callback) {
                n += chunk.length;
                callback();
              },
            }),
          );
          return n;
        },
      },
    ],
  };
}

async function* chunksReadable(chunks: readonly Buffer[]): AsyncGenerator<Buffer> {
  yield* chunks;
}
