import { Keep, Materializer, NeverMaterializedException, Sink, Source } from '@tributary/core';
import { settle, TestSink, TestSource, type TestSubscriberProbe } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, eventually } from './harness.js';

const quiet = () => new Materializer({ logger: null });

describe('Sink.lazySink', () => {
  it('creates the inner sink on the first element; it receives every element, and the value is its value', async () => {
    let created = 0;
    const [up, mat] = TestSource.probe<number>()
      .toMat(
        Sink.lazySink(() => {
          created++;
          return Sink.seq<number>();
        }),
        Keep.both,
      )
      .run();
    expect(await up.expectRequest()).toBe(1); // one element is requested to find out whether there is one
    await up.expectNoMessageWhenIdle();
    expect(created).toBe(0);
    up.sendNext(1);
    await eventually(() => created === 1, 'the inner sink to be created');
    up.sendNext(2).sendNext(3).sendComplete();
    // The inner value is itself a promise: JavaScript promises flatten, so `mat` settles with its result.
    expect(await mat).toEqual([1, 2, 3]);
    expect(created).toBe(1);
  });

  it('the inner sink controls demand after creation', async () => {
    const [up, mat] = TestSource.probe<string>()
      .toMat(
        Sink.lazySink(() => TestSink.probe<string>()),
        Keep.both,
      )
      .run();
    await up.expectRequest();
    up.sendNext('a');
    const inner: TestSubscriberProbe<string> = await mat;
    await up.expectNoMessageWhenIdle();
    inner.request(2);
    await inner.expectNext('a');
    expect(await up.expectRequest()).toBe(1);
    up.sendNext('b');
    await inner.expectNext('b');
    await up.expectNoMessageWhenIdle();
    inner.cancel();
    await up.expectCancellation();
  });

  it('upstream completing right after the first element still delivers it before completion', async () => {
    const inner = await Source.single('only').runWith(Sink.lazySink(() => Sink.seq<string>()));
    expect(await inner).toEqual(['only']);
  });

  it('an empty stream never creates the sink; the value rejects with NeverMaterializedException', async () => {
    let created = 0;
    const mat = Source.empty<number>().runWith(
      Sink.lazySink(() => {
        created++;
        return Sink.ignore();
      }),
    );
    await expect(mat).rejects.toBeInstanceOf(NeverMaterializedException);
    expect(created).toBe(0);
  });

  it('a failure before the first element rejects with NeverMaterializedException carrying the cause', async () => {
    const e = boom();
    const err = await Source.failed<number>(e)
      .runWith(
        Sink.lazySink(() => Sink.ignore()),
        quiet(),
      )
      .catch((x: unknown) => x);
    expect(err).toBeInstanceOf(NeverMaterializedException);
    expect((err as Error).cause).toBe(e);
  });

  it('a failure after creation reaches the inner sink', async () => {
    const e = boom();
    const [up, mat] = TestSource.probe<number>()
      .toMat(
        Sink.lazySink(() => Sink.seq<number>()),
        Keep.both,
      )
      .run(quiet());
    up.sendNext(1);
    await up.expectRequest();
    up.sendError(e);
    await expect(mat).rejects.toBe(e);
  });

  it('create throwing fails the stream (upstream cancelled) and rejects with that error', async () => {
    const e = boom();
    const [up, mat] = TestSource.probe<number>()
      .toMat(
        Sink.lazySink<number, unknown>(() => {
          throw e;
        }),
        Keep.both,
      )
      .run(quiet());
    up.sendNext(1);
    expect(await up.expectCancellation()).toBe(e);
    await expect(mat).rejects.toBe(e);
  });

  it('validates its argument and what create returns', async () => {
    expect(() => Sink.lazySink(undefined as never)).toThrow('Sink.lazySink: create must be a function, got undefined');
    await expect(
      Source.single(1).runWith(
        Sink.lazySink(() => Source.single(2) as never),
        quiet(),
      ),
    ).rejects.toThrow('lazySink: create must return a Sink (a graph with a SinkShape), got SourceShape');
  });
});

describe('Sink.lazyPromiseSink', () => {
  it('waits for the promised sink, then feeds it everything from the first element on', async () => {
    let resolve!: (s: Sink<number, Promise<number[]>>) => void;
    const [up, mat] = TestSource.probe<number>()
      .toMat(
        Sink.lazyPromiseSink(() => new Promise<Sink<number, Promise<number[]>>>((r) => (resolve = r))),
        Keep.both,
      )
      .run();
    await up.expectRequest();
    up.sendNext(1).sendComplete(); // completes while the promise is pending
    await settle();
    resolve(Sink.seq<number>());
    expect(await mat).toEqual([1]);
  });

  it('a rejected promise fails the stream with that error', async () => {
    const e = boom();
    const mat = Source.from([1, 2]).runWith(
      Sink.lazyPromiseSink<number, unknown>(() => Promise.reject(e)),
      quiet(),
    );
    await expect(mat).rejects.toBe(e);
  });
});
