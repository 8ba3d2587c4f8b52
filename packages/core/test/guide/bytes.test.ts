/**
 * The tour of docs/bytes.md, run as a test against real components: a gzipped file in a temp
 * directory, and a real TCP echo server on 127.0.0.1. Keep the two in sync.
 */
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { BidiFlow, Compression, Framing, JsonFraming, Sink, Source, StreamConverters, TextFlow } from '@tributary/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bytes-guide-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('docs/bytes.md', () => {
  it('1–2: writes a gzipped log file and reads it back, counting lines by level', async () => {
    const file = path.join(dir, 'app.log.gz');
    const levels = ['INFO', 'WARN', 'INFO', 'ERROR'];
    await Source.range(1, 10_000)
      .map((i) => `2024-05-01T12:00:00Z ${levels[i % 4]} request ${i}\n`)
      .via(TextFlow.encode())
      .via(Compression.gzip())
      .runWith(StreamConverters.fromWritable(() => createWriteStream(file)));
    // The file is real gzip: zlib reads it.
    expect(zlib.gunzipSync(readFileSync(file)).toString().split('\n')[0]).toBe('2024-05-01T12:00:00Z WARN request 1');

    const counts = await StreamConverters.fromReadable(() => createReadStream(file))
      .via(Compression.gunzip())
      .via(TextFlow.lines())
      .runWith(
        Sink.fold({} as Record<string, number>, (acc, line: string) => {
          const level = line.split(' ')[1]!;
          acc[level] = (acc[level] ?? 0) + 1;
          return acc;
        }),
      );
    expect(counts).toEqual({ WARN: 2500, INFO: 5000, ERROR: 2500 });
  });

  it('3: a JSON array cut anywhere, one parsed value per element', async () => {
    const body = [Buffer.from('[{"sku":"a-1","qty":2},{"sku":"b'), Buffer.from('-7","qty":1}]')];
    const items = await Source.from(body)
      .via(JsonFraming.objectScanner(64 * 1024))
      .map((b) => JSON.parse(b.toString()) as unknown)
      .runWith(Sink.seq());
    expect(items).toEqual([
      { sku: 'a-1', qty: 2 },
      { sku: 'b-7', qty: 1 },
    ]);
  });

  it('4: messages over a real TCP connection, a codec atop length-prefixed framing', async () => {
    const server = net.createServer((socket) => socket.pipe(socket)); // an echo server
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as net.AddressInfo;
      const codec = BidiFlow.fromFunctions(
        (s: string) => Buffer.from(s),
        (bytes: Buffer) => bytes.toString(),
      );
      const connection = StreamConverters.fromDuplex<Buffer, Buffer>(() => net.connect(port, '127.0.0.1'));
      const echoed = await Source.from(['hello', 'framed', 'world'])
        .via(codec.atop(Framing.simpleFramingProtocol(1024)).join(connection))
        .runWith(Sink.seq());
      expect(echoed).toEqual(['hello', 'framed', 'world']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
