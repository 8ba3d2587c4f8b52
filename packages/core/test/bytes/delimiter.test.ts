import { Flow, Framing, FramingError, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { probe } from '../operators/harness.js';
import { b, boom, expectFramingError, expectRequests, probeText, runText, runToError } from './harness.js';

describe('Framing.delimiter', () => {
  it('splits on a one-byte delimiter, which is not emitted (doc example)', async () => {
    expect(await runText(Framing.delimiter(';', 1024), ['a;b', ';c;'])).toEqual(['a', 'b', 'c']);
  });

  it('emits Buffers, also for plain Uint8Array input', async () => {
    const frames = await Source.single(new Uint8Array([1, 10, 2, 3, 10]))
      .via(Framing.delimiter(new Uint8Array([10]), 16))
      .runWith(Sink.seq());
    expect(frames.every((f) => Buffer.isBuffer(f))).toBe(true);
    expect(frames).toEqual([Buffer.from([1]), Buffer.from([2, 3])]);
  });

  it('consecutive delimiters give empty frames; a leading delimiter gives an empty first frame', async () => {
    expect(await runText(Framing.delimiter('\n', 16), ['\na\n\n', 'b\n'])).toEqual(['', 'a', '', 'b']);
  });

  it('a stream ending right after a delimiter has no extra frame; an empty stream emits nothing', async () => {
    expect(await runText(Framing.delimiter('\n', 16), ['a\n'])).toEqual(['a']);
    expect(await runText(Framing.delimiter('\n', 16), [])).toEqual([]);
    expect(await runText(Framing.delimiter('\n', 16), ['', ''])).toEqual([]);
  });

  it('joins a frame spread over many chunks, including empty chunks', async () => {
    expect(await runText(Framing.delimiter('\n', 64), ['he', '', 'l', 'lo', ' world\nnext', '\n'])).toEqual(['hello world', 'next']);
  });

  it('finds a multi-byte delimiter straddling chunk boundaries, at every possible cut', async () => {
    const whole = 'one\r\n\r\ntwo\r\n\r\nthree\r\n\r\n';
    for (let i = 0; i <= whole.length; i++) {
      for (let j = i; j <= whole.length; j++) {
        const chunks = [whole.slice(0, i), whole.slice(i, j), whole.slice(j)];
        expect(await runText(Framing.delimiter('\r\n\r\n', 16), chunks), JSON.stringify(chunks)).toEqual(['one', 'two', 'three']);
      }
    }
  });

  it('a delimiter spread over three chunks (one byte each)', async () => {
    expect(await runText(Framing.delimiter('<|>', 16), ['ab<', '|', '>cd<', '|', '>'])).toEqual(['ab', 'cd']);
  });

  it('a partial delimiter that does not complete is frame content', async () => {
    expect(await runText(Framing.delimiter('<|>', 16), ['a<|', 'b<|>', '<<|>'])).toEqual(['a<|b', '<']);
  });

  it('emits one frame per pull from a chunk holding several, pulling upstream only when none is left', async () => {
    const [up, down] = probeText(Framing.delimiter(',', 16));
    down.request(1);
    await expectRequests(up, 1);
    up.sendNext(b('a,b,c,d'));
    await down.expectNext('a');
    await down.expectNoMessageWhenIdle();
    await up.expectNoMessageWhenIdle(); // b and c are queued: no pull
    down.request(2);
    await down.expectNext('b');
    await down.expectNext('c');
    await down.expectNoMessageWhenIdle();
    await up.expectNoMessageWhenIdle();
    down.request(1);
    await expectRequests(up, 1); // queue empty, 'd' is partial: pull
    await down.expectNoMessageWhenIdle();
    up.sendNext(b(','));
    await down.expectNext('d');
    down.cancel();
    await up.expectCancellation();
  });

  it('does not pull upstream before downstream asks', async () => {
    const [up, down] = probeText(Framing.delimiter(',', 16));
    await up.expectNoMessageWhenIdle();
    down.request(1);
    await expectRequests(up, 1);
    down.cancel();
  });

  it('on upstream completion, queued frames are still emitted on demand, then it completes', async () => {
    const [up, down] = probeText(Framing.delimiter(',', 16));
    down.request(1);
    up.sendNext(b('a,b,c,')).sendComplete();
    await down.expectNext('a');
    await down.expectNoMessageWhenIdle();
    down.request(5);
    await down.expectNext('b');
    await down.expectNext('c');
    await down.expectComplete();
  });

  it('completes right after the last queued frame is pushed, without waiting for another pull', async () => {
    const [up, down] = probeText(Framing.delimiter(',', 16));
    down.request(2);
    up.sendNext(b('a,b,')).sendComplete();
    await down.expectNext('a');
    await down.expectNext('b');
    await down.expectComplete();
  });

  it('fails on a truncated last frame, after the frames before it, saying how many bytes were left', async () => {
    const [up, down] = probeText(Framing.delimiter('\n', 16));
    down.request(10);
    up.sendNext(b('a\nbc')).sendNext(b('d')).sendComplete();
    await down.expectNext('a');
    await expectFramingError(
      down,
      'Framing.delimiter: the stream ended with a truncated frame of 3 bytes (no delimiter after it; set allowTruncation to emit it)',
    );
  });

  it('with allowTruncation the last frame without a delimiter is emitted', async () => {
    expect(await runText(Framing.delimiter('\n', 16, { allowTruncation: true }), ['a\nbc', 'd'])).toEqual(['a', 'bcd']);
    expect(await runText(Framing.delimiter('\n', 16, { allowTruncation: true }), ['a\n'])).toEqual(['a']);
  });

  it('with allowTruncation a truncated tail over the limit still fails as too long', async () => {
    // max 3, delimiter of 2 bytes: 'abc\r' could still have become 'abc' + '\r\n', so it was held until the end
    const e = await runToError(Framing.delimiter('\r\n', 3, { allowTruncation: true }), ['abc\r']);
    expect(e).toBeInstanceOf(FramingError);
    expect(e.message).toBe('Framing.delimiter: a frame of 4 bytes exceeds maximumFrameLength 3');
  });

  it('a frame exactly maximumFrameLength long passes; one byte more fails, naming the limit and the size', async () => {
    expect(await runText(Framing.delimiter('\n', 5), ['12345\n'])).toEqual(['12345']);
    const [up, down] = probeText(Framing.delimiter('\n', 5));
    down.request(10);
    up.sendNext(b('ok\n123456\nnever\n'));
    await down.expectNext('ok');
    await expectFramingError(down, 'Framing.delimiter: a frame of 6 bytes exceeds maximumFrameLength 5');
    await up.expectCancellation();
  });

  it('a too-long frame spanning chunks fails with its size', async () => {
    const e = await runToError(Framing.delimiter('\n', 5), ['123', '45', '6\n']);
    expect(e.message).toBe('Framing.delimiter: a frame of 6 bytes exceeds maximumFrameLength 5');
  });

  it('fails as soon as the bytes without delimiter exceed the limit, before upstream ends (no unbounded buffering)', async () => {
    const [up, down] = probeText(Framing.delimiter('\n', 10));
    down.request(1);
    up.sendNext(b('0123456789'));
    await expectRequests(up, 2);
    up.sendNext(b('X'));
    await expectFramingError(down, 'Framing.delimiter: read 11 bytes without finding the delimiter, more than maximumFrameLength 10');
  });

  it('a failure after good frames waits until they have been emitted on demand', async () => {
    const [up, down] = probeText(Framing.delimiter(',', 2));
    down.request(1);
    up.sendNext(b('a,b,ccc,'));
    await down.expectNext('a');
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext('b');
    await expectFramingError(down, 'Framing.delimiter: a frame of 3 bytes exceeds maximumFrameLength 2');
  });

  it('propagates upstream failure with the original error, dropping queued frames', async () => {
    const e = boom();
    const [up, down] = probeText(Framing.delimiter(',', 16));
    down.request(1);
    up.sendNext(b('a,b,c'));
    await down.expectNext('a');
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('cancels upstream when downstream cancels', async () => {
    const [up, down] = probeText(Framing.delimiter(',', 16));
    down.request(1);
    await up.expectRequest();
    down.cancel();
    await up.expectCancellation();
  });

  it('fails with a TypeError naming the operator on a non-byte element', async () => {
    const [up, down] = probe(Flow.create<unknown>().via(Framing.delimiter(',', 16) as Flow<unknown, Buffer>));
    down.request(1);
    up.sendNext('a,b');
    const e = (await down.expectError()) as Error;
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe('Framing.delimiter: expected Uint8Array elements, got a string');
  });

  it('frames within one chunk are views of it, not copies; the delimiter passed in is copied', async () => {
    const chunk = b('ab,cd,');
    const frames = await Source.single(chunk).via(Framing.delimiter(',', 16)).runWith(Sink.seq());
    expect(frames[0]!.buffer).toBe(chunk.buffer);
    const delimiter = b(',');
    const flow = Framing.delimiter(delimiter, 16);
    delimiter[0] = 0x3b; // ';'
    expect(await runText(flow, ['a,b;c,'])).toEqual(['a', 'b;c']);
  });

  it('is reusable: each materialization starts empty', async () => {
    const flow = Framing.delimiter('\n', 16, { allowTruncation: true });
    expect(await runText(flow, ['a\nb'])).toEqual(['a', 'b']);
    expect(await runText(flow, ['c\nd'])).toEqual(['c', 'd']);
  });

  it('validates its arguments when called', () => {
    expect(() => Framing.delimiter('', 10)).toThrow(new RangeError('Framing.delimiter: delimiter must not be empty'));
    expect(() => Framing.delimiter(new Uint8Array(0), 10)).toThrow(new RangeError('Framing.delimiter: delimiter must not be empty'));
    expect(() => Framing.delimiter(5 as unknown as string, 10)).toThrow(new TypeError('Framing.delimiter: delimiter must be a Uint8Array or a string, got 5'));
    expect(() => Framing.delimiter('\n', 0)).toThrow(new RangeError('Framing.delimiter: maximumFrameLength must be a positive integer, got 0'));
    expect(() => Framing.delimiter('\n', 1.5)).toThrow(new RangeError('Framing.delimiter: maximumFrameLength must be a positive integer, got 1.5'));
    expect(() => Framing.delimiter('\n', 10, { allowTruncation: 'yes' as unknown as boolean })).toThrow(
      new TypeError('Framing.delimiter: allowTruncation must be a boolean, got "yes"'),
    );
  });
});
