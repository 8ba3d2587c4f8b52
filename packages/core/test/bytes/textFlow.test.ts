import { Flow, FramingError, Sink, Source, TextFlow } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { probe } from '../operators/harness.js';
import { b, boom, expectFramingError, expectRequests, runToError } from './harness.js';

const decodeAll = (chunks: Uint8Array[], encoding?: string) => Source.from(chunks).via(TextFlow.decode(encoding)).runWith(Sink.seq());
const linesOf = (chunks: (string | Uint8Array)[], options?: Parameters<typeof TextFlow.lines>[0]) =>
  Source.from(chunks.map((c) => (typeof c === 'string' ? b(c) : c)))
    .via(TextFlow.lines(options))
    .runWith(Sink.seq());

describe('TextFlow.decode', () => {
  it('decodes a character split across chunks when its last byte arrives (doc example)', async () => {
    expect(await decodeAll([Buffer.from([0xe2, 0x82]), Buffer.from([0xac])])).toEqual(['€']);
  });

  it('decodes 4-byte characters cut at every position', async () => {
    const text = 'a😀b€c';
    const bytes = b(text);
    for (let i = 0; i <= bytes.length; i++) {
      for (let j = i; j <= bytes.length; j++) {
        const out = await decodeAll([bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)]);
        expect(out.join(''), `cut at ${i}, ${j}`).toBe(text);
        expect(out.every((s) => s.length > 0)).toBe(true);
      }
    }
  });

  it('an incomplete character at the end becomes U+FFFD', async () => {
    expect(await decodeAll([Buffer.from([0x61, 0xe2, 0x82])])).toEqual(['a', '\ufffd']);
  });

  it('decodes UTF-16LE with a code unit split across chunks', async () => {
    const bytes = Buffer.from('hé😀', 'utf16le');
    expect((await decodeAll([bytes.subarray(0, 3), bytes.subarray(3, 7), bytes.subarray(7)], 'utf16le')).join('')).toBe('hé😀');
  });

  it('accepts WHATWG labels, e.g. windows-1252', async () => {
    expect(await decodeAll([Buffer.from([0x80, 0x41])], 'windows-1252')).toEqual(['€A']);
  });

  it('emits nothing for a chunk that completes no character, and pulls again instead', async () => {
    const [up, down] = probe(TextFlow.decode());
    down.request(1);
    await expectRequests(up, 1);
    up.sendNext(Buffer.from([0xe2]));
    await expectRequests(up, 1);
    await down.expectNoMessageWhenIdle();
    up.sendNext(Buffer.from([0x82, 0xac, 0x21]));
    await down.expectNext('€!');
    await up.expectNoMessageWhenIdle();
    down.cancel();
    await up.expectCancellation();
  });

  it('emits the replacement for an incomplete tail only on demand, then completes', async () => {
    const [up, down] = probe(TextFlow.decode());
    down.request(1);
    up.sendNext(Buffer.from([0x61, 0xe2])).sendComplete();
    await down.expectNext('a');
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext('\ufffd');
    await down.expectComplete();
  });

  it('propagates upstream failure', async () => {
    const e = boom();
    const [up, down] = probe(TextFlow.decode());
    down.request(1);
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('rejects an unknown encoding when called', () => {
    expect(() => TextFlow.decode('klingon')).toThrow(
      new RangeError(
        `TextFlow.decode: unknown encoding "klingon" (expected a Node encoding such as 'utf8', 'utf16le', 'latin1', or a WHATWG encoding label such as 'windows-1252')`,
      ),
    );
  });
});

describe('TextFlow.encode', () => {
  it('encodes text into UTF-8 (doc example)', async () => {
    expect(await Source.from(['h', 'é']).via(TextFlow.encode()).runWith(Sink.seq())).toEqual([b('h'), b('é')]);
  });

  it('encodes a surrogate pair cut between two elements as one character', async () => {
    const pair = '😀';
    const out = await Source.from(['a' + pair[0]!, pair[1]! + 'b'])
      .via(TextFlow.encode())
      .runWith(Sink.seq());
    expect(Buffer.concat(out)).toEqual(b('a😀b'));
  });

  it('an element that is only a high surrogate emits nothing and pulls again; at the end it becomes U+FFFD', async () => {
    const [up, down] = probe(TextFlow.encode());
    down.request(1);
    await expectRequests(up, 1);
    up.sendNext('\ud83d');
    await expectRequests(up, 1);
    up.sendComplete();
    expect(await down.expectNext()).toEqual(b('\ufffd'));
    await down.expectComplete();
  });

  it('encodes UTF-16LE and latin1', async () => {
    expect(Buffer.concat(await Source.from(['hé', '😀']).via(TextFlow.encode('utf16le')).runWith(Sink.seq()))).toEqual(Buffer.from('hé😀', 'utf16le'));
    expect(await Source.single('é').via(TextFlow.encode('latin1')).runWith(Sink.seq())).toEqual([Buffer.from([0xe9])]);
  });

  it('fails with a TypeError naming the operator on a non-string element', async () => {
    const [up, down] = probe(Flow.create<unknown>().via(TextFlow.encode() as unknown as Flow<unknown, Buffer>));
    down.request(1);
    up.sendNext(42);
    const e = (await down.expectError()) as Error;
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe('TextFlow.encode: expected string elements, got 42');
  });

  it('rejects encodings that are not character encodings when called', () => {
    expect(() => TextFlow.encode('base64' as 'utf8')).toThrow(/^TextFlow\.encode: encoding must be one of 'utf8', .*, got "base64"$/);
  });
});

describe('TextFlow.lines', () => {
  it('splits on \\n and strips a \\r before it (doc example)', async () => {
    expect(await linesOf(['a\r\nb', '\nc'])).toEqual(['a', 'b', 'c']);
  });

  it('emits a final unterminated line; a trailing \\n adds no empty line; empty lines are kept', async () => {
    expect(await linesOf(['a\n\nb'])).toEqual(['a', '', 'b']);
    expect(await linesOf(['a\n'])).toEqual(['a']);
    expect(await linesOf(['\n'])).toEqual(['']);
    expect(await linesOf([])).toEqual([]);
    expect(await linesOf(['last\r'])).toEqual(['last']);
  });

  it('a lone \\r inside a line is content', async () => {
    expect(await linesOf(['a\rb\n'])).toEqual(['a\rb']);
  });

  it('multi-byte characters and \\r\\n cut across chunks at every position', async () => {
    const text = 'ä€😀\r\n\nzz😀\r\nend';
    const bytes = b(text);
    for (let i = 0; i <= bytes.length; i++) {
      for (let j = i; j <= bytes.length; j++) {
        expect(await linesOf([bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)]), `cut at ${i}, ${j}`).toEqual(['ä€😀', '', 'zz😀', 'end']);
      }
    }
  });

  it('emits one line per pull and pulls upstream only when no complete line is queued', async () => {
    const [up, down] = probe(TextFlow.lines());
    down.request(1);
    await expectRequests(up, 1);
    up.sendNext(b('one\ntwo\nthr'));
    await down.expectNext('one');
    await up.expectNoMessageWhenIdle();
    down.request(2);
    await down.expectNext('two');
    await expectRequests(up, 1);
    up.sendNext(b('ee')).sendComplete();
    await down.expectNext('three');
    await down.expectComplete();
  });

  it('a line of maxLineLength bytes passes (\\r\\n not counted); one byte more fails with the limit and the size', async () => {
    expect(await linesOf(['12345\r\n', 'é€\n'], { maxLineLength: 5 })).toEqual(['12345', 'é€']);
    const e = await runToError(TextFlow.lines({ maxLineLength: 5 }), ['ok\n', 'é€x\n']);
    expect(e).toBeInstanceOf(FramingError);
    expect(e.message).toBe('TextFlow.lines: a line of 6 bytes exceeds maxLineLength 5');
    expect((await runToError(TextFlow.lines({ maxLineLength: 5 }), ['123456'])).message).toBe('TextFlow.lines: a line of 6 bytes exceeds maxLineLength 5');
  });

  it('fails as soon as a line without terminator exceeds the limit, before upstream ends', async () => {
    const [up, down] = probe(TextFlow.lines({ maxLineLength: 4 }));
    down.request(5);
    await expectRequests(up, 1);
    up.sendNext(b('ab\n1234'));
    await down.expectNext('ab');
    await expectRequests(up, 1);
    up.sendNext(b('\r')); // might still be a '\r\n'
    await expectRequests(up, 1);
    up.sendNext(b('x'));
    await expectFramingError(down, 'TextFlow.lines: read 6 bytes without a line terminator, more than maxLineLength 4');
    await up.expectCancellation();
  });

  it('decodes latin1 when asked', async () => {
    expect(await linesOf([Buffer.from([0xe9, 0x0a, 0x41])], { encoding: 'latin1' })).toEqual(['é', 'A']);
  });

  it('propagates upstream failure and downstream cancellation', async () => {
    const e = boom();
    const [up, down] = probe(TextFlow.lines());
    down.request(1);
    await up.expectRequest();
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    const [up2, down2] = probe(TextFlow.lines());
    down2.request(1);
    await up2.expectRequest();
    down2.cancel();
    await up2.expectCancellation();
  });

  it('validates its options when called', () => {
    expect(() => TextFlow.lines({ maxLineLength: 0 })).toThrow(new RangeError('TextFlow.lines: maxLineLength must be a positive integer, got 0'));
    expect(() => TextFlow.lines({ encoding: 'utf16le' as 'utf8' })).toThrow(/^TextFlow\.lines: encoding must be one of 'utf8', .*, got "utf16le"$/);
  });
});
