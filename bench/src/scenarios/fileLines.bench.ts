/**
 * fileLines: count the lines of a ~100 MiB log file (lines of about 100 bytes, a few non-ASCII
 * characters), reading the file each run. Every contender but the loop decodes UTF-8 and makes each
 * line a string; elements/s counts lines.
 *
 *   loop             an `fs.read` loop in 64 KiB chunks, counting line feeds with `Buffer.indexOf`:
 *                    no strings (the floor of reading the file and finding the lines)
 *   readline         `readline.createInterface({ input: fs.createReadStream(file) })`, 'line' events
 *   readline-iter    the same with `for await` (the style Node's documentation shows)
 *   tributary        `FileIO.fromPath(file).via(TextFlow.lines())` with FileIO's defaults (8 KiB chunks)
 *   tributary-64k    the same with `chunkSize: 64 KiB`, createReadStream's default
 *
 * The file is written once, untimed, into the file benchmarks' temp directory (removed at exit); after
 * the first run it is in the page cache, so the read path and the line cutting are measured, not the disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { Sink, TextFlow } from '@tributary/core';
import { FileIO } from '@tributary/file';
import type { Scenario } from '../harness.js';
import { logData } from '../logLines.js';
import { dir } from './file.bench.js';

const KiB = 1024;
const countLines = Sink.fold(0, (n: number) => n + 1);

/** Writes the log file and returns its path and line count. */
function logFile(bytes: number): { file: string; lines: number } {
  const data = logData(bytes);
  const file = path.join(dir(), `log-${data.bytes}.txt`);
  const fd = fs.openSync(file, 'w');
  for (const chunk of data.chunks) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  return { file, lines: data.lines };
}

function countLineFeeds(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.open(file, 'r', (openError, fd) => {
      if (openError !== null) return reject(openError);
      const buffer = Buffer.allocUnsafe(64 * KiB);
      let n = 0;
      let position = 0;
      const next = (): void => {
        fs.read(fd, buffer, 0, buffer.length, position, (error, bytes) => {
          if (error !== null) return fs.close(fd, () => reject(error));
          if (bytes === 0) return fs.close(fd, (e) => (e ? reject(e) : resolve(n)));
          position += bytes;
          for (let at = buffer.indexOf(10, 0); at !== -1 && at < bytes; at = buffer.indexOf(10, at + 1)) n++;
          next();
        });
      };
      next();
    });
  });
}

function readlineEvents(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const input = fs.createReadStream(file);
    input.on('error', reject);
    const rl = readline.createInterface({ input, crlfDelay: Infinity });
    let n = 0;
    rl.on('line', () => n++);
    rl.on('close', () => resolve(n));
  });
}

async function readlineIterator(file: string): Promise<number> {
  const rl = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  let n = 0;
  for await (const _line of rl) n++;
  return n;
}

export function fileLines(bytes: number): Scenario {
  // Scenarios are built only when they are to run: the file is written here, untimed.
  const { file, lines } = logFile(bytes);
  return {
    name: 'fileLines',
    description: `read a ${(fs.statSync(file).size / 2 ** 20).toFixed(0)} MiB log file as lines → count them (elements = lines)`,
    elements: lines,
    contenders: [
      {
        name: 'loop',
        note: 'fs.read loop, 64 KiB at a time, Buffer.indexOf(0x0a): counts line feeds, makes no strings (the floor)',
        run: () => countLineFeeds(file),
      },
      {
        name: 'readline',
        note: "readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity }), counting 'line' events",
        run: () => readlineEvents(file),
      },
      { name: 'readline-iter', note: 'for await (const line of readline.createInterface(…)): the async-iterator style', run: () => readlineIterator(file) },
      {
        name: 'tributary',
        note: 'FileIO.fromPath(file).via(TextFlow.lines()) → Sink.fold(count): FileIO defaults (8 KiB chunks, 16 read ahead)',
        run: () => FileIO.fromPath(file).via(TextFlow.lines()).runWith(countLines),
      },
      {
        name: 'tributary-64k',
        note: 'the same with FileIO.fromPath(file, { chunkSize: 64 KiB })',
        run: () =>
          FileIO.fromPath(file, { chunkSize: 64 * KiB })
            .via(TextFlow.lines())
            .runWith(countLines),
      },
    ],
  };
}
