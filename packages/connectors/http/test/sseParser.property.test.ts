/**
 * Laws of the event-stream parser (what `EventSource` reads with), checked with fast-check:
 * - rendering events and parsing the bytes back gives the same events, whatever the chunking (splits
 *   inside multi-byte characters and between CR and LF included), whichever line ending the server
 *   uses (LF, CRLF, CR), and with heartbeat comments anywhere between events;
 * - an event not closed by a blank line before the end is never emitted.
 */

import { ServerSentEvent } from '@tributary/http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseParser } from '../src/internal/SseParser.js';

const lineFree = (s: string): boolean => !/[\r\n]/.test(s);
const textArb = fc.string({ unit: fc.constantFrom('a', 'b', ' ', ':', 'é', '✓', '😀', '\n', '\r', '\r\n', 'data: x') });
const eventArb: fc.Arbitrary<ServerSentEvent> = fc.record(
  {
    data: textArb,
    event: fc.string({ unit: fc.constantFrom('a', 'b', '-', 'é'), minLength: 1 }),
    id: fc.string({ unit: fc.constantFrom('1', '2', 'x', ' ', 'é') }).filter((s) => lineFree(s) && !s.includes('\0')),
    retry: fc.nat(100_000),
  },
  { requiredKeys: ['data'] },
);

/** What a reader sees of an event: the data's line breaks normalized to LF. */
const asRead = (e: ServerSentEvent): ServerSentEvent => ({ ...e, data: e.data.split(/\r\n|\r|\n/).join('\n') });

/** Splits `bytes` at the given (sorted, deduplicated) cut points. */
function chunk(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let start = 0;
  for (const p of points) {
    out.push(bytes.subarray(start, p));
    start = p;
  }
  out.push(bytes.subarray(start));
  return out;
}

function parse(chunks: Buffer[]): ServerSentEvent[] {
  const parser = new SseParser(1 << 20, 'test');
  const out: ServerSentEvent[] = [];
  for (const c of chunks) parser.push(c, out);
  parser.end(out);
  return out;
}

describe('SseParser', () => {
  it('parses back what ServerSentEvent.render wrote, under any chunking, line ending and heartbeats', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(eventArb, fc.boolean()), { maxLength: 12 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.array(fc.nat(), { maxLength: 20 }),
        (items, eol, cuts) => {
          const text = items.map(([e, heartbeat]) => (heartbeat ? ServerSentEvent.heartbeat : '') + ServerSentEvent.render(e)).join('');
          const bytes = Buffer.from(text.replace(/\n/g, eol), 'utf8');
          expect(parse(chunk(bytes, cuts))).toEqual(items.map(([e]) => asRead(e)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never emits an event whose closing blank line did not arrive', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 10 }), (events, cuts) => {
        const text = events.map((e) => ServerSentEvent.render(e)).join('');
        const truncated = Buffer.from(text.slice(0, -1), 'utf8'); // the last blank line is missing
        expect(parse(chunk(truncated, cuts))).toEqual(events.slice(0, -1).map(asRead));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps the latest id and retry for reconnection, and ignores unknown fields and a leading BOM', () => {
    const parser = new SseParser(1 << 20, 'test');
    const out: ServerSentEvent[] = [];
    parser.push(Buffer.from('\uFEFFfoo: bar\nid: 1\ndata: a\n\nretry: 300\n\nid: 2\nretry: x\ndata: b\n\n', 'utf8'), out);
    expect(out).toEqual([
      { data: 'a', id: '1' },
      { data: 'b', id: '2' },
    ]);
    expect(parser.lastEventId).toBe('2');
    expect(parser.retryMs).toBe(300);
  });

  it('fails on a line longer than maxEventBytes instead of buffering it', () => {
    const parser = new SseParser(1000, 'EventSource(test)');
    expect(() => parser.push(Buffer.alloc(2000, 'a'), [])).toThrow('EventSource(test): an event or line is longer than maxEventBytes=1000');
  });
});
