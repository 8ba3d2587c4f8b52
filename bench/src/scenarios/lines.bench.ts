/**
 * lines: count the lines of ~100 MiB of log text that arrives in 64 KiB chunks (cut mid-line and
 * mid-character). Every contender decodes UTF-8 and produces each line as a string, except the plain
 * loop, which only counts line feeds (the floor: what finding the lines costs without making them).
 */
import readline from 'node:readline';
import { Readable } from 'node:stream';
import { Framing, Sink, Source, StreamConverters, TextFlow } from '@tributary/core';
import type { Scenario } from '../harness.js';
import { logData } from '../logLines.js';

const countLines = Sink.fold(0, (n: number) => n + 1);

/** A line splitter as a web-streams user writes it: TextDecoderStream, then a TransformStream cutting on '\n'. */
function webLineSplitter(): TransformStream<string, string> {
  let carry = '';
  return new TransformStream<string, string>({
    transform(text, controller) {
      const parts = (carry + text).split('\n');
      carry = parts.pop()!;
      for (const p of parts) controller.enqueue(p.endsWith('\r') ? p.slice(0, -1) : p);
    },
    flush(controller) {
      if (carry !== '') controller.enqueue(carry);
    },
  });
}

export function lines(totalBytes: number): Scenario {
  const data = logData(totalBytes);
  const chunks = data.chunks;
  return {
    name: 'lines',
    description: `${(data.bytes / 2 ** 20).toFixed(0)} MiB of log lines in 64 KiB chunks → count the lines (elements = lines)`,
    elements: data.lines,
    contenders: [
      {
        name: 'loop',
        note: 'Buffer.indexOf(0x0a) over the chunks: counts line feeds, makes no strings (the floor)',
        run: () => {
          let n = 0;
          let partial = false;
          for (const c of chunks) {
            let pos = 0;
            for (;;) {
              const at = c.indexOf(10, pos);
              if (at === -1) break;
              n++;
              pos = at + 1;
            }
            partial = pos < c.length ? true : partial && pos === 0;
          }
          return partial ? n + 1 : n;
        },
      },
      {
        name: 'tributary',
        note: 'Source.from(chunks).via(TextFlow.lines()) → Sink.fold(count)',
        run: () => Source.from(chunks).via(TextFlow.lines()).runWith(countLines),
      },
      {
        name: 'trib-readable',
        note: 'StreamConverters.fromReadable(Readable.from(chunks)).via(TextFlow.lines()) → Sink.fold: the same input path as readline',
        run: () =>
          StreamConverters.fromReadable(() => Readable.from(chunks))
            .via(TextFlow.lines())
            .runWith(countLines),
      },
      {
        name: 'trib-delimiter',
        note: "Framing.delimiter('\\n', 1 MiB, allowTruncation).map(frame => frame.toString()) → Sink.fold",
        run: () =>
          Source.from(chunks)
            .via(Framing.delimiter('\n', 1 << 20, { allowTruncation: true }))
            .map((frame) => frame.toString('utf8'))
            .runWith(countLines),
      },
      {
        name: 'readline',
        note: "readline.createInterface({ input: Readable.from(chunks), crlfDelay: Infinity }), counting 'line' events",
        run: () =>
          new Promise<number>((resolve, reject) => {
            const input = Readable.from(chunks);
            input.on('error', reject);
            const rl = readline.createInterface({ input, crlfDelay: Infinity });
            let n = 0;
            rl.on('line', () => n++);
            rl.on('close', () => resolve(n));
          }),
      },
      {
        name: 'readline-iter',
        note: 'for await (const line of readline.createInterface(…)): the async-iterator style',
        run: async () => {
          const rl = readline.createInterface({ input: Readable.from(chunks), crlfDelay: Infinity });
          let n = 0;
          for await (const _line of rl) n++;
          return n;
        },
      },
      {
        name: 'web-streams',
        note: 'ReadableStream over the chunks, pipeThrough(TextDecoderStream).pipeThrough(split on \\n) → count',
        run: async () => {
          const reader = chunkStream(chunks).pipeThrough(new TextDecoderStream()).pipeThrough(webLineSplitter()).getReader();
          let n = 0;
          for (;;) {
            const { done } = await reader.read();
            if (done) return n;
            n++;
          }
        },
      },
    ],
  };
}

/** The chunks as a WHATWG ReadableStream, one chunk per pull. */
function chunkStream(chunks: readonly Buffer[]): ReadableStream<BufferSource> {
  let i = 0;
  return new ReadableStream<BufferSource>({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++] as Uint8Array<ArrayBuffer>);
      else controller.close();
    },
  });
}
