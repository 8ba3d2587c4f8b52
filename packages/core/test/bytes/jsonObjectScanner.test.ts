import { FramingError, JsonFraming, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { b, expectFramingError, expectRequests, probeText, runText, runToError } from './harness.js';

const scan = (max = 1024) => JsonFraming.objectScanner(max);

/** Every way of cutting `text` into three chunks gives `expected`. */
async function expectAllCuts(text: string, expected: string[]): Promise<void> {
  const bytes = b(text);
  for (let i = 0; i <= bytes.length; i++) {
    for (let j = i; j <= bytes.length; j += 3) {
      const chunks = [bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)];
      expect(await runText(scan(), chunks), `cut at ${i}, ${j}`).toEqual(expected);
    }
  }
}

async function errorOf(chunks: string[], max = 1024): Promise<Error> {
  const e = await runToError(scan(max), chunks);
  expect(e).toBeInstanceOf(FramingError);
  return e;
}

describe('JsonFraming.objectScanner', () => {
  it('emits the elements of a top-level array, whatever the chunking (doc example)', async () => {
    const items = await Source.from([b('[{"id":1},{"na'), b('me":"}"}]')])
      .via(scan())
      .map((bytes) => JSON.parse(bytes.toString()) as unknown)
      .runWith(Sink.seq());
    expect(items).toEqual([{ id: 1 }, { name: '}' }]);
  });

  it('emits concatenated values: objects back to back, NDJSON, comma-separated', async () => {
    expect(await runText(scan(), ['{"a":1}{"b":2}'])).toEqual(['{"a":1}', '{"b":2}']);
    expect(await runText(scan(), ['{"a":1}\n{"b":2}\n'])).toEqual(['{"a":1}', '{"b":2}']);
    expect(await runText(scan(), ['{"a":1}, {"b":2}'])).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('emits each value exactly as written, inner whitespace included', async () => {
    expect(await runText(scan(), ['[ {\n  "a" : [ 1 , 2 ]\n} ,\t{ } ]'])).toEqual(['{\n  "a" : [ 1 , 2 ]\n}', '{ }']);
  });

  it('handles every kind of JSON value, inside an array or back to back', async () => {
    const values = ['{"o":{}}', '[1,[2]]', '"str"', '-1.5e+3', '0', 'true', 'false', 'null', '[]', '{}', '""'];
    expect(await runText(scan(), [`[${values.join(',')}]`])).toEqual(values);
    // back to back, a top-level array is taken as an array of values: its elements are emitted
    expect(await runText(scan(), [values.filter((v) => !v.startsWith('[')).join(' ')])).toEqual(values.filter((v) => !v.startsWith('[')));
    expect(await runText(scan(), ['[1,2] [3]'])).toEqual(['1', '2', '3']);
    expect(await runText(scan(), ['[[1,2],[3]]'])).toEqual(['[1,2]', '[3]']);
  });

  it('respects strings: brackets, quotes and backslashes inside them end nothing', async () => {
    const tricky = '{"a":"}]{[","b":"\\"}","c":"\\\\","d":"\\\\\\"}"}';
    expect(JSON.parse(tricky)).toEqual({ a: '}]{[', b: '"}', c: '\\', d: '\\"}' });
    await expectAllCuts(`[${tricky}, "\\\\"]`, [tricky, '"\\\\"']);
  });

  it('scalars and escapes cut across chunks, at every position', async () => {
    await expectAllCuts('12345 "a\\"b" -0.5e10 [true,null]', ['12345', '"a\\"b"', '-0.5e10', 'true', 'null']);
  });

  it('a scalar at the very end of the stream is emitted, unless it is cut off inside the top-level array', async () => {
    expect(await runText(scan(), ['1 2', '3'])).toEqual(['1', '23']);
    const [up, down] = probeText(scan());
    down.request(5);
    up.sendNext(b('[1, 2')).sendComplete(); // '2' may have been the start of '25': not emitted
    await down.expectNext('1');
    await expectFramingError(down, "JsonFraming.objectScanner: the stream ended inside the top-level JSON array opened at byte offset 0 (no closing ']')");
  });

  it('empty input, whitespace only, or an empty array emit nothing and complete', async () => {
    expect(await runText(scan(), [])).toEqual([]);
    expect(await runText(scan(), [' \n\t\r '])).toEqual([]);
    expect(await runText(scan(), ['[', ' ]'])).toEqual([]);
  });

  it('emits one value per pull; pulls upstream only when none is queued', async () => {
    const [up, down] = probeText(scan());
    down.request(1);
    await expectRequests(up, 1);
    up.sendNext(b('[{"a":1},{"b":2},{"c"'));
    await down.expectNext('{"a":1}');
    await up.expectNoMessageWhenIdle();
    down.request(2);
    await down.expectNext('{"b":2}');
    await expectRequests(up, 1);
    up.sendNext(b(':3}]')).sendComplete();
    await down.expectNext('{"c":3}');
    await down.expectComplete();
  });

  it('fails on invalid structure naming the byte offset in the stream, after the values before it', async () => {
    const [up, down] = probeText(scan());
    down.request(5);
    up.sendNext(b('{"a":1}\n')).sendNext(b('{"b":[1}'));
    await down.expectNext('{"a":1}');
    await expectFramingError(down, "JsonFraming.objectScanner: unexpected '}' at byte offset 15 (expected ']')");
  });

  it('reports each kind of structural error with its offset', async () => {
    expect((await errorOf(['{"a":1}}'])).message).toBe("JsonFraming.objectScanner: unexpected '}' at byte offset 7 (expected a JSON value)");
    expect((await errorOf([']'])).message).toBe("JsonFraming.objectScanner: unexpected ']' at byte offset 0 (expected a JSON value)");
    expect((await errorOf(['[1 2]'])).message).toBe("JsonFraming.objectScanner: unexpected '2' at byte offset 3 (expected ',' or ']' after an array element)");
    expect((await errorOf(['[1,,2]'])).message).toBe("JsonFraming.objectScanner: unexpected ',' at byte offset 3 (expected a value)");
    expect((await errorOf(['[,1]'])).message).toBe("JsonFraming.objectScanner: unexpected ',' at byte offset 1 (expected a value or ']')");
    expect((await errorOf(['[1,]'])).message).toBe("JsonFraming.objectScanner: unexpected ']' at byte offset 3 (expected a JSON value)");
    expect((await errorOf(['{"a":1} tru', 'x '])).message).toBe('JsonFraming.objectScanner: invalid JSON value "trux" at byte offset 8');
    expect((await errorOf(['01'])).message).toBe('JsonFraming.objectScanner: invalid JSON value "01" at byte offset 0');
    expect((await errorOf(['  #'])).message).toBe("JsonFraming.objectScanner: unexpected '#' at byte offset 2 (expected a JSON value)");
    expect((await errorOf(['\u00e9'])).message).toBe('JsonFraming.objectScanner: unexpected byte 0xc3 at byte offset 0 (expected a JSON value)');
  });

  it('fails when the stream ends inside a value or inside the top-level array', async () => {
    expect((await errorOf(['{"a":1}  {"b":', '"x'])).message).toBe(
      'JsonFraming.objectScanner: the stream ended inside a JSON value: 7 bytes from byte offset 9 without its end',
    );
    expect((await errorOf(['[1, 2'])).message).toBe(
      "JsonFraming.objectScanner: the stream ended inside the top-level JSON array opened at byte offset 0 (no closing ']')",
    );
  });

  it('a value of exactly maximumObjectLength bytes passes; a longer one fails with the limit and the size', async () => {
    expect(await runText(scan(7), ['{"a":1} {"b":2}'])).toEqual(['{"a":1}', '{"b":2}']);
    expect((await errorOf(['{"a":1} {"bc":2}'], 7)).message).toBe(
      'JsonFraming.objectScanner: a JSON value of 8 bytes (at byte offset 8) exceeds maximumObjectLength 7',
    );
  });

  it('fails as soon as an unfinished value exceeds the limit, before upstream ends (no unbounded buffering)', async () => {
    const [up, down] = probeText(scan(10));
    down.request(1);
    up.sendNext(b('{"a":"12345'));
    await expectFramingError(
      down,
      'JsonFraming.objectScanner: read 11 bytes of the JSON value starting at byte offset 0 without reaching its end, more than maximumObjectLength 10',
    );
    await up.expectCancellation();
  });

  it('validates maximumObjectLength when called', () => {
    expect(() => JsonFraming.objectScanner(0)).toThrow(new RangeError('JsonFraming.objectScanner: maximumObjectLength must be a positive integer, got 0'));
  });
});
