/**
 * Files: Tributary's file connector against Node's own ways of reading and writing a file, over the
 * same file, with equal chunk sizes. N is a number of bytes (default 1 GiB); `elements/s` is bytes/s.
 *
 *   fileRead / fileRead64k   read an N-byte file in 8 KiB / 64 KiB chunks
 *   fileReadDefaults         the same, each with its defaults (FileIO: 8 KiB chunks, 16 read ahead;
 *                            createReadStream: 64 KiB)
 *   fileWrite / fileWrite8k  write N bytes in 64 KiB / 8 KiB chunks to a fresh file
 *
 * Contenders: `loop` is a plain callback `fs.read` (`fs.write`) loop, one call at a time; `node-stream`
 * is `fs.createReadStream` (`fs.createWriteStream`, waiting for 'drain' when `write` says so; also with
 * a 256 KiB highWaterMark, the most FileIO.toPath gathers into one write); `tributary` is
 * `FileIO.fromPath → Sink.foreach` (`Source → FileIO.toPath`).
 *
 * The input file is written once, untimed, into a temp directory that is removed at exit. After the
 * first run it is in the page cache, so what is measured is the cost of the read path (system calls,
 * thread-pool round trips, buffers, the stream machinery), not the disk. Every read computes the same
 * position-based checksum (the byte at every 4096th offset), so a reader that reorders or drops chunks
 * fails the scenario; every write is checked by the size of the file it produced.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Keep, Sink, Source } from '@tributary/core';
import { FileIO } from '@tributary/file';
import type { Contender, Scenario } from '../harness.js';

const KiB = 1024;
const SampleEvery = 4096;

let workDir: string | null = null;

/** A temp directory for this process's files, removed when the process exits. */
export function dir(): string {
  if (workDir === null) {
    const created = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-bench-file-'));
    workDir = created;
    process.once('exit', () => fs.rmSync(created, { recursive: true, force: true }));
  }
  return workDir;
}

const inputs = new Map<number, string>();

/** An N-byte input file of varied bytes (written once per size, untimed). */
function inputFile(size: number): string {
  const existing = inputs.get(size);
  if (existing !== undefined) return existing;
  const file = path.join(dir(), `input-${size}.bin`);
  const block = Buffer.allocUnsafe(1024 * KiB);
  for (let i = 0; i < block.length; i++) block[i] = (i * 131 + (i >>> 12)) & 0xff;
  const fd = fs.openSync(file, 'w');
  for (let written = 0, n = 0; written < size; n++) {
    block.writeUInt32LE(n, 0); // no two blocks alike
    const len = Math.min(block.length, size - written);
    fs.writeSync(fd, block, 0, len);
    written += len;
  }
  fs.closeSync(fd);
  inputs.set(size, file);
  return file;
}

/** Bytes read and a checksum of the byte at every 4096th file offset: independent of chunk boundaries. */
class ReadCheck {
  bytes = 0;
  sum = 0;
  add(chunk: Uint8Array): void {
    const start = this.bytes;
    for (let i = (SampleEvery - (start % SampleEvery)) % SampleEvery; i < chunk.length; i += SampleEvery) this.sum = (this.sum + chunk[i]!) | 0;
    this.bytes += chunk.length;
  }
  result(): { bytes: number; sum: number } {
    return { bytes: this.bytes, sum: this.sum };
  }
}

function readLoop(file: string, chunkSize: number): Promise<{ bytes: number; sum: number }> {
  return new Promise((resolve, reject) => {
    fs.open(file, 'r', (openError, fd) => {
      if (openError !== null) return reject(openError);
      const check = new ReadCheck();
      let position = 0;
      const next = (): void => {
        const buffer = Buffer.allocUnsafe(chunkSize);
        fs.read(fd, buffer, 0, chunkSize, position, (error, n) => {
          if (error !== null) return fs.close(fd, () => reject(error));
          if (n === 0) return fs.close(fd, (e) => (e ? reject(e) : resolve(check.result())));
          position += n;
          check.add(n === chunkSize ? buffer : buffer.subarray(0, n));
          next();
        });
      };
      next();
    });
  });
}

function readStream(file: string, highWaterMark?: number): Promise<{ bytes: number; sum: number }> {
  return new Promise((resolve, reject) => {
    const check = new ReadCheck();
    fs.createReadStream(file, highWaterMark === undefined ? {} : { highWaterMark })
      .on('data', (chunk) => check.add(chunk as Buffer))
      .on('error', reject)
      .on('close', () => resolve(check.result()));
  });
}

async function readTributary(file: string, options?: { chunkSize: number }): Promise<{ bytes: number; sum: number }> {
  const check = new ReadCheck();
  const [io] = await Promise.all(
    FileIO.fromPath(file, options)
      .toMat(
        Sink.foreach((chunk: Buffer) => check.add(chunk)),
        Keep.both,
      )
      .run(),
  );
  if (io.count !== check.bytes) throw new Error(`IOResult.count ${io.count} != ${check.bytes} bytes seen`);
  return check.result();
}

function readScenario(name: string, size: number, chunkSize: number): Scenario {
  const file = (): string => inputFile(size);
  const kib = `${chunkSize / KiB} KiB`;
  return {
    name,
    description: `read a ${describeSize(size)} file in ${kib} chunks (checksum of every 4096th byte)`,
    elements: size,
    contenders: [
      { name: 'loop', note: `fs.read callback loop, one ${kib} read at a time`, setup: () => void file(), run: () => readLoop(file(), chunkSize) },
      { name: 'node-stream', note: `fs.createReadStream, highWaterMark ${kib}`, run: () => readStream(file(), chunkSize) },
      { name: 'tributary', note: `FileIO.fromPath, chunkSize ${kib} (16 chunks read ahead) → Sink.foreach`, run: () => readTributary(file(), { chunkSize }) },
    ],
  };
}

function readDefaultsScenario(size: number): Scenario {
  const file = (): string => inputFile(size);
  return {
    name: 'fileReadDefaults',
    description: `read a ${describeSize(size)} file, each reader with its default chunk size`,
    elements: size,
    contenders: [
      { name: 'loop', note: 'fs.read callback loop, one 64 KiB read at a time', setup: () => void file(), run: () => readLoop(file(), 64 * KiB) },
      { name: 'node-stream', note: 'fs.createReadStream() (64 KiB)', run: () => readStream(file()) },
      { name: 'tributary', note: 'FileIO.fromPath() (8 KiB chunks, 16 read ahead) → Sink.foreach', run: () => readTributary(file()) },
    ],
  };
}

// ───────────────────────────── writing ─────────────────────────────

let outputs = 0;
const outputFile = (): string => path.join(dir(), `output-${++outputs}.bin`);

function chunkOf(chunkSize: number): Buffer {
  const b = Buffer.allocUnsafe(chunkSize);
  for (let i = 0; i < b.length; i++) b[i] = (i * 7) & 0xff;
  return b;
}

function writeLoop(file: string, chunk: Buffer, count: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.open(file, 'w', (openError, fd) => {
      if (openError !== null) return reject(openError);
      let left = count;
      const next = (): void => {
        if (left-- === 0) return fs.close(fd, (e) => (e ? reject(e) : resolve(fs.statSync(file).size)));
        fs.write(fd, chunk, 0, chunk.length, null, (error) => (error !== null ? fs.close(fd, () => reject(error)) : next()));
      };
      next();
    });
  });
}

function writeStream(file: string, chunk: Buffer, count: number, highWaterMark?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const out = fs.createWriteStream(file, highWaterMark === undefined ? {} : { highWaterMark });
    out.on('error', reject);
    let left = count;
    const pump = (): void => {
      while (left > 0) {
        left--;
        if (!out.write(chunk)) return void out.once('drain', pump);
      }
      out.end(() => resolve(fs.statSync(file).size));
    };
    pump();
  });
}

async function writeTributary(file: string, chunk: Buffer, count: number): Promise<number> {
  const io = await Source.repeat(chunk).take(count).runWith(FileIO.toPath(file));
  const size = fs.statSync(file).size;
  if (io.count !== size) throw new Error(`IOResult.count ${io.count} != file size ${size}`);
  return size;
}

function writeScenario(name: string, size: number, chunkSize: number): Scenario {
  const chunk = chunkOf(chunkSize);
  const count = Math.max(1, Math.floor(size / chunkSize));
  const kib = `${chunkSize / KiB} KiB`;
  let current = '';
  const fresh = (): void => {
    current = outputFile();
  };
  const remove = (): void => fs.rmSync(current, { force: true });
  const contender = (c: Omit<Contender, 'setup' | 'teardown'>): Contender => ({ ...c, setup: fresh, teardown: remove });
  return {
    name,
    description: `write ${describeSize(count * chunkSize)} in ${kib} chunks to a fresh file`,
    elements: count * chunkSize,
    contenders: [
      contender({ name: 'loop', note: `fs.write callback loop, one ${kib} write at a time`, run: () => writeLoop(current, chunk, count) }),
      contender({
        name: 'node-stream',
        note: "fs.createWriteStream (highWaterMark 16 KiB), writing until write() returns false, then waiting for 'drain'",
        run: () => writeStream(current, chunk, count),
      }),
      contender({
        name: 'node-stream-256k',
        note: 'the same with highWaterMark 256 KiB: as much buffered as FileIO.toPath gathers',
        run: () => writeStream(current, chunk, count, 256 * KiB),
      }),
      contender({
        name: 'tributary',
        note: `Source.repeat(chunk).take(n) → FileIO.toPath (one write in flight, up to 256 KiB gathered per writev)`,
        run: () => writeTributary(current, chunk, count),
      }),
    ],
  };
}

function describeSize(bytes: number): string {
  if (bytes >= 2 ** 30 && bytes % 2 ** 30 === 0) return `${bytes / 2 ** 30} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(bytes % 2 ** 20 === 0 ? 0 : 1)} MiB`;
  return `${bytes} bytes`;
}

export const fileScenarios: Readonly<Record<string, (bytes: number) => Scenario>> = {
  fileRead: (n) => readScenario('fileRead', n, 8 * KiB),
  fileRead64k: (n) => readScenario('fileRead64k', n, 64 * KiB),
  fileReadDefaults: (n) => readDefaultsScenario(n),
  fileWrite: (n) => writeScenario('fileWrite', n, 64 * KiB),
  fileWrite8k: (n) => writeScenario('fileWrite8k', n, 8 * KiB),
};

export const fileDefaultBytes: Readonly<Record<string, number>> = {
  fileRead: 2 ** 30,
  fileRead64k: 2 ** 30,
  fileReadDefaults: 2 ** 30,
  fileWrite: 2 ** 30,
  fileWrite8k: 2 ** 30,
};
