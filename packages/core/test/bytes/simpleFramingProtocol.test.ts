import { BidiFlow, Flow, Framing, FramingError, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { probe } from '../operators/harness.js';
import { b, expectFramingError, runToError } from './harness.js';

/** Cuts the byte stream into pieces of `n` bytes: a transport that ignores message boundaries. */
function rechunk(n: number): Flow<Buffer, Buffer> {
  return Flow.create<Buffer>()
    .mapConcat((chunk) => Array.from(chunk))
    .grouped(n)
    .map((bytes) => Buffer.from(bytes));
}

describe('Framing.simpleFramingProtocol', () => {
  it('round-trips messages through a loopback (doc example)', async () => {
    const loopback = Framing.simpleFramingProtocol(1024).join(Flow.create<Buffer>());
    expect(
      await Source.from([b('hi'), b('there')])
        .via(loopback)
        .runWith(Sink.seq()),
    ).toEqual([b('hi'), b('there')]);
  });

  it('messages survive a transport that re-chunks the bytes arbitrarily, empty messages included', async () => {
    const messages = ['a', '', 'hello world', 'x'.repeat(300), ''].map(b);
    for (const n of [1, 3, 7, 1000]) {
      const flow = Framing.simpleFramingProtocol(1024).join(rechunk(n));
      expect(await Source.from(messages).via(flow).runWith(Sink.seq())).toEqual(messages);
    }
  });

  it('the encoder writes a 4-byte big-endian length before each message', async () => {
    expect(await Source.single(b('abc')).via(Framing.simpleFramingProtocolEncoder(10)).runWith(Sink.seq())).toEqual([Buffer.from([0, 0, 0, 3, 97, 98, 99])]);
  });

  it('the decoder strips the length', async () => {
    const bytes = Buffer.from([0, 0, 0, 2, 104, 105, 0, 0, 0, 0]);
    expect(
      await Source.from([bytes.subarray(0, 5), bytes.subarray(5)])
        .via(Framing.simpleFramingProtocolDecoder(10))
        .runWith(Sink.seq()),
    ).toEqual([b('hi'), b('')]);
  });

  it('stacks under a codec with atop', async () => {
    const codec = BidiFlow.fromFunctions(
      (s: string) => b(s),
      (bytes: Buffer) => bytes.toString(),
    );
    const flow = codec.atop(Framing.simpleFramingProtocol(100)).join(rechunk(2));
    expect(await Source.from(['one', 'two']).via(flow).runWith(Sink.seq())).toEqual(['one', 'two']);
  });

  it('the encoder fails on a message over the limit (supervision does not drop it)', async () => {
    const [up, down] = probe(Framing.simpleFramingProtocolEncoder(3));
    down.request(2);
    up.sendNext(b('abc')).sendNext(b('abcd'));
    expect(await down.expectNext()).toEqual(Buffer.from([0, 0, 0, 3, 97, 98, 99]));
    await expectFramingError(down, 'Framing.simpleFramingProtocolEncoder: a message of 4 bytes exceeds maximumMessageLength 3');
  });

  it('the decoder fails on a length over the limit, and on a truncated message', async () => {
    const tooLong = await runToError(Framing.simpleFramingProtocolDecoder(3), [Buffer.from([0, 0, 0, 4, 1, 2, 3, 4])]);
    expect(tooLong).toBeInstanceOf(FramingError);
    expect(tooLong.message).toBe('Framing.lengthField: the frame header announces a frame of 8 bytes, more than maximumFrameLength 7');
    const truncated = await runToError(Framing.simpleFramingProtocolDecoder(3), [Buffer.from([0, 0, 0, 3, 1])]);
    expect(truncated.message).toBe('Framing.lengthField: the stream ended with a truncated frame of 5 bytes of the 7 its header announced');
  });

  it('validates maximumMessageLength when called', () => {
    for (const name of ['simpleFramingProtocol', 'simpleFramingProtocolEncoder', 'simpleFramingProtocolDecoder'] as const) {
      expect(() => Framing[name](0)).toThrow(new RangeError(`Framing.${name}: maximumMessageLength must be a positive integer, got 0`));
      expect(() => Framing[name](2 ** 32)).toThrow(
        new RangeError(`Framing.${name}: maximumMessageLength must be at most 4294967295 (a 4-byte length), got 4294967296`),
      );
    }
  });
});
