/**
 * JsonFraming.objectScanner against JSON.stringify: generated JSON values (strings full of braces,
 * brackets, quotes, backslashes and non-ASCII characters) written back to back or as a top-level
 * array, with random whitespace, cut at random points — the scanner yields exactly the values written,
 * byte for byte, under random demand and placement.
 */

import { FramingError, JsonFraming } from '@tributary/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byteEnvArb, describeOutcome, runBytes } from './bytesHarness.js';
import { labelled, PROPERTY_TIMEOUT, runs } from './harness.js';

const RUNS = runs(150);

/** Strings that try hard to confuse a scanner. */
const trickyString = fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', '\\', ',', ':', ' ', 'a', 'é', '😀', '\n', '\u0000', '/'), maxLength: 12 });

const valueArb: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    trickyString,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(trickyString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

const whitespace = fc.string({ unit: fc.constantFrom(' ', '\n', '\t', '\r'), maxLength: 3 });

interface JsonCase {
  readonly text: string;
  /** What the scanner must emit: the values' texts, as JSON.stringify wrote them. */
  readonly expected: string[];
}

/** Values one after another (each followed by whitespace, sometimes a comma); a top-level array's elements are emitted one by one. */
const concatenatedArb: fc.Arbitrary<JsonCase> = fc.array(fc.tuple(valueArb, fc.tuple(whitespace, fc.boolean(), whitespace)), { maxLength: 8 }).map((items) => {
  let text = '';
  const expected: string[] = [];
  for (const [v, [ws1, comma, ws2]] of items) {
    const json = JSON.stringify(v);
    text += `${json}${ws1 === '' ? ' ' : ws1}${comma ? ',' : ''}${ws2}`;
    if (Array.isArray(v)) expected.push(...v.map((x) => JSON.stringify(x)));
    else expected.push(json);
  }
  return labelled({ text, expected }, `concatenated ${JSON.stringify(text)}`);
});

/** One top-level array, whitespace around every token. */
const arrayArb: fc.Arbitrary<JsonCase> = fc
  .tuple(fc.array(fc.tuple(whitespace, valueArb, whitespace), { maxLength: 8 }), whitespace, whitespace)
  .map(([items, before, after]) => {
    const text = `${before}[${items.map(([a, v, b]) => `${a}${JSON.stringify(v)}${b}`).join(',')}]${after}`;
    return labelled({ text, expected: items.map(([, v]) => JSON.stringify(v)) }, `array ${JSON.stringify(text)}`);
  });

/** Pretty-printed values (whitespace inside values must be kept as written). */
const prettyArb: fc.Arbitrary<JsonCase> = fc
  .array(
    valueArb.filter((v) => !Array.isArray(v)),
    { maxLength: 5 },
  )
  .map((values) => {
    const texts = values.map((v) => JSON.stringify(v, null, 2));
    return labelled({ text: texts.join('\n'), expected: texts }, `pretty ${JSON.stringify(texts.join('\n'))}`);
  });

describe('JsonFraming.objectScanner equals JSON.stringify under random chunking, demand and placement', () => {
  it(
    'finds exactly the values written, back to back, in a top-level array, or pretty-printed',
    () =>
      fc.assert(
        fc.asyncProperty(fc.oneof(concatenatedArb, arrayArb, prettyArb), byteEnvArb, async (c, env) => {
          const run = await runBytes(Buffer.from(c.text, 'utf8'), JsonFraming.objectScanner(1_000_000), env);
          expect(run.terminal.kind, describeOutcome(run)).toBe('complete');
          expect(run.elements.map((e) => e.toString('utf8'))).toEqual(c.expected);
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );

  it(
    'a cut-off stream fails with a FramingError after the complete values, unless the cut falls between values',
    () =>
      fc.assert(
        fc.asyncProperty(arrayArb, fc.nat(), byteEnvArb, async (c, at, env) => {
          const whole = Buffer.from(c.text, 'utf8');
          const cutAt = at % (whole.length + 1);
          const run = await runBytes(whole.subarray(0, cutAt), JsonFraming.objectScanner(1_000_000), env);
          // A prefix of the values comes out whole; the stream completes only if nothing was cut off but whitespace.
          const got = run.elements.map((e) => e.toString('utf8'));
          expect(got).toEqual(c.expected.slice(0, got.length));
          const closedAt = whole.lastIndexOf(']'); // the array's own ']' is its last non-whitespace byte
          const complete = cutAt > closedAt || whole.subarray(0, cutAt).every((x) => x === 0x20 || x === 0x0a || x === 0x09 || x === 0x0d);
          if (complete) expect(run.terminal.kind, describeOutcome(run)).toBe('complete');
          else {
            expect(run.terminal.kind, describeOutcome(run)).toBe('error');
            expect((run.terminal as { error: unknown }).error).toBeInstanceOf(FramingError);
          }
        }),
        { numRuns: RUNS },
      ),
    PROPERTY_TIMEOUT,
  );
});
