/**
 * TextFlow against whole-input oracles: random multi-byte text (and random bytes) cut at random
 * points decodes to what decoding the whole input gives; text cut between any two UTF-16 units (also
 * inside surrogate pairs) encodes to the bytes of the whole text; lines equal String.split on the
 * whole text. Under random demand, placement and interpreter chunking.
 */

import { FramingError, Source, TextFlow } from '@tributary/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byteEnvArb, describeOutcome, runBytes } from './bytesHarness.js';
import { labelled, PROPERTY_TIMEOUT, runs, runUnderDemand, scheduleArb } from './harness.js';

const RUNS = runs(120);

/** Text mixing 1-, 2-, 3- and 4-byte UTF-8 characters, line feeds and carriage returns. */
const mixedText = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', 'é', 'ß', '€', '中', '😀', '🎉', '\n', '\r'), maxLength: 80 });
const anyText = fc.oneof(mixedText, fc.string({ unit: 'grapheme', maxLength: 30 }));

/** The lines of a whole text, as TextFlow.lines promises them. */
function linesOracle(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

describe('TextFlow equals whole-input decoding under random chunking, demand and placement', () => {
  it('oracles reproduce the documented examples', () => {
    expect(linesOracle('a\r\nb\nc')).toEqual(['a', 'b', 'c']);
    expect(linesOracle('a\n')).toEqual(['a']);
    expect(linesOracle('\n')).toEqual(['']);
  });

  it(
    'decode(utf8) of random text cut anywhere = the text; no element is empty',
    () =>
      fc.assert(
        fc.asyncProperty(anyText, byteEnvArb, async (text, env) => {
          const run = await runBytes(Buffer.from(text, 'utf8'), TextFlow.decode(), env);
          expect(run.terminal.kind, describeOutcome(run)).toBe('complete');
          expect(run.elements.join('')).toBe(text);
          expect(run.elements.every((s) => s.length > 0)).toBe(true);
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'decode(utf16le) of random text cut anywhere = the text',
    () =>
      fc.assert(
        fc.asyncProperty(anyText, byteEnvArb, async (text, env) => {
          const run = await runBytes(Buffer.from(text, 'utf16le'), TextFlow.decode('utf16le'), env);
          expect(run.elements.join('')).toBe(text);
        }),
        { numRuns: runs(60) },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'decode of random bytes (invalid UTF-8 included) cut anywhere = decoding them whole',
    () =>
      fc.assert(
        fc.asyncProperty(
          fc.uint8Array({ maxLength: 60 }).map((a) => labelled(Buffer.from(a), Buffer.from(a).toString('hex'))),
          byteEnvArb,
          async (bytes, env) => {
            const run = await runBytes(bytes, TextFlow.decode(), env);
            expect(run.elements.join('')).toBe(new TextDecoder().decode(bytes));
          },
        ),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'encode(utf8) of text cut between any UTF-16 units (inside surrogate pairs too) = the bytes of the whole text',
    () =>
      fc.assert(
        fc.asyncProperty(anyText, fc.array(fc.nat(), { maxLength: 8 }), scheduleArb, async (text, cutPoints, schedule) => {
          const points = [...new Set(cutPoints.map((p) => p % (text.length + 1)))].sort((x, y) => x - y);
          const pieces: string[] = [];
          let from = 0;
          for (const p of points) {
            pieces.push(text.slice(from, p));
            from = p;
          }
          pieces.push(text.slice(from));
          const out = await runUnderDemand(Source.from(pieces).via(TextFlow.encode()), schedule);
          expect(out.terminal.kind).toBe('complete');
          expect(Buffer.concat(out.elements).toString('hex')).toBe(Buffer.from(text, 'utf8').toString('hex'));
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'lines of random text cut anywhere = String.split on the whole text (\\r before \\n stripped)',
    () =>
      fc.assert(
        fc.asyncProperty(mixedText, byteEnvArb, async (text, env) => {
          const run = await runBytes(Buffer.from(text, 'utf8'), TextFlow.lines(), env);
          expect(run.terminal.kind, describeOutcome(run)).toBe('complete');
          expect(run.elements).toEqual(linesOracle(text));
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'lines with a small maxLineLength: the lines before the first too-long line, then a FramingError',
    () =>
      fc.assert(
        fc.asyncProperty(mixedText, fc.integer({ min: 1, max: 12 }), byteEnvArb, async (text, max, env) => {
          const all = linesOracle(text);
          const firstTooLong = all.findIndex((l) => Buffer.byteLength(l, 'utf8') > max);
          const run = await runBytes(Buffer.from(text, 'utf8'), TextFlow.lines({ maxLineLength: max }), env);
          if (firstTooLong === -1) {
            expect(run.terminal.kind, describeOutcome(run)).toBe('complete');
            expect(run.elements).toEqual(all);
          } else {
            expect(run.elements).toEqual(all.slice(0, firstTooLong));
            expect(run.terminal.kind, describeOutcome(run)).toBe('error');
            const error = (run.terminal as { error: Error }).error;
            expect(error).toBeInstanceOf(FramingError);
            expect(error.message).toMatch(
              new RegExp(`^TextFlow\\.lines: (a line of \\d+ bytes exceeds|read \\d+ bytes without a line terminator, more than) maxLineLength ${max}$`),
            );
          }
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );
});
