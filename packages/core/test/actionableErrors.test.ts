/**
 * Errors a newcomer meets first say what to do instead, not only what went wrong.
 */

import { Broadcast, ClosedShape, GraphDSL, IllegalGraphError, Materializer, NoSuchElementError, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';

const quiet = new Materializer({ logger: null });

describe('errors that say what to do', () => {
  it('head of an empty stream suggests headOption, fused or not', async () => {
    const message = 'head: head of an empty stream (use Sink.headOption() to get undefined instead)';
    await expect(Source.empty<number>().runWith(Sink.head(), quiet)).rejects.toThrow(new NoSuchElementError(message));
    await expect(
      Source.range(1, 3)
        .filter(() => false)
        .runWith(Sink.head(), quiet),
    ).rejects.toThrow(new NoSuchElementError(message)); // fused into one loop
    await expect(Source.empty<number>().async().runWith(Sink.head(), quiet)).rejects.toBeInstanceOf(NoSuchElementError);
    expect(await Source.empty<number>().runWith(Sink.headOption(), quiet)).toBeUndefined();
  });

  it('last of an empty stream suggests lastOption', async () => {
    const message = 'last: last of an empty stream (use Sink.lastOption() to get undefined instead)';
    await expect(Source.empty<number>().runWith(Sink.last(), quiet)).rejects.toThrow(new NoSuchElementError(message));
    await expect(
      Source.from([1, 2])
        .filter(() => false)
        .runWith(Sink.last(), quiet),
    ).rejects.toThrow(new NoSuchElementError(message));
  });

  it('Source.from(promise) suggests Source.fromPromise', () => {
    expect(() => Source.from(Promise.resolve([1, 2]) as unknown as Iterable<number>)).toThrow(
      new TypeError('Source.from: expected an iterable or async iterable, got a promise; use Source.fromPromise(promise) for the one value it resolves with'),
    );
    const thenable = { then: (resolve: (x: number) => void) => resolve(1) };
    expect(() => Source.from(thenable as unknown as Iterable<number>)).toThrow(/got a promise; use Source\.fromPromise/);
    expect(() => Source.from({} as Iterable<number>)).toThrow(new TypeError('Source.from: expected an iterable or async iterable, got an object (Object)'));
  });

  it('an unconnected GraphDSL port: connect it, drain it with Sink.ignore(), or expose it', () => {
    expect(() =>
      GraphDSL.create((b) => {
        const bcast = b.add(Broadcast.create<number>(2));
        b.from(Source.single(1)).to(bcast);
        b.from(bcast).to(Sink.ignore());
        return ClosedShape.instance;
      }),
    ).toThrow(IllegalGraphError);
    const fixed = GraphDSL.create((b) => {
      const bcast = b.add(Broadcast.create<number>(2));
      b.from(Source.single(1)).to(bcast);
      b.from(bcast).to(Sink.ignore());
      b.from(bcast).to(Sink.ignore()); // what the message suggests
      return ClosedShape.instance;
    });
    expect(fixed).toBeDefined();
  });
});
