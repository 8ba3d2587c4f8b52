import { AbruptTerminationException, BroadcastHub, Keep, Materializer, Sink, Source } from '@tributary/core';
import { settle, TestSink, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, eventually, QUIET_MS } from './harness.js';

const quiet = new Materializer({ logger: null });

describe('BroadcastHub.sink', () => {
  it('broadcasts every element to every consumer', async () => {
    const [up, fromHub] = TestSource.probe<number>().toMat(BroadcastHub.sink<number>(8), Keep.both).run();
    const a = fromHub.runWith(TestSink.probe<number>());
    const b = fromHub.runWith(TestSink.probe<number>());
    a.request(10);
    b.request(10);
    await settle(); // both attached
    for (const x of [1, 2, 3]) {
      await up.expectRequest();
      up.sendNext(x);
    }
    up.sendComplete();
    for (const c of [a, b]) {
      await c.expectNextN([1, 2, 3]);
      await c.expectComplete();
    }
  });

  it('the slowest consumer back-pressures the producer (bufferSize bounds the distance)', async () => {
    const [up, fromHub] = TestSource.probe<number>().toMat(BroadcastHub.sink<number>(2), Keep.both).run();
    const slow = fromHub.runWith(TestSink.probe<number>());
    const fast = fromHub.runWith(TestSink.probe<number>());
    fast.request(10);
    await settle();
    await up.expectRequest();
    up.sendNext(1);
    await up.expectRequest();
    up.sendNext(2);
    await fast.expectNextN([1, 2]);
    await up.expectNoMessageWhenIdle(); // slow has read nothing: the buffer of 2 is full
    slow.request(1);
    await slow.expectNext(1);
    await up.expectRequest();
    up.sendNext(3);
    await fast.expectNext(3);
    await up.expectNoMessageWhenIdle();
    slow.cancel(); // the slowest leaving unblocks the producer too
    await up.expectRequest();
    fast.cancel();
  });

  it('with no consumer attached keeps up to bufferSize elements for the first one, then back-pressures', async () => {
    const [up, fromHub] = TestSource.probe<number>().toMat(BroadcastHub.sink<number>(4), Keep.both).run();
    for (let i = 1; i <= 4; i++) {
      await up.expectRequest();
      up.sendNext(i);
    }
    await up.expectNoMessageWhenIdle();
    const c = fromHub.runWith(TestSink.probe<number>());
    c.request(5);
    await c.expectNextN([1, 2, 3, 4]);
    await up.expectRequest();
    c.cancel();
  });

  it('a consumer attaching later starts at the slowest consumer; after the last consumer left, at where it stopped', async () => {
    const [up, fromHub] = TestSource.probe<number>().toMat(BroadcastHub.sink<number>(8), Keep.both).run();
    const first = fromHub.runWith(TestSink.probe<number>());
    first.request(2);
    await settle();
    for (const x of [1, 2, 3]) {
      await up.expectRequest();
      up.sendNext(x);
    }
    await first.expectNextN([1, 2]);
    first.cancel(); // read 1 and 2; 3 is still kept
    await settle();
    const second = fromHub.runWith(TestSink.probe<number>());
    second.request(1);
    await second.expectNext(3);
    second.cancel();
  });

  it('completion is remembered: late consumers read what is left, then complete', async () => {
    const fromHub = Source.from([1, 2]).runWith(BroadcastHub.sink<number>(4));
    await settle();
    expect(await fromHub.runWith(Sink.seq())).toEqual([1, 2]);
    expect(await fromHub.runWith(Sink.seq())).toEqual([]);
  });

  it('failure reaches consumers at once and is remembered', async () => {
    const e = boom();
    const [up, fromHub] = TestSource.probe<number>().toMat(BroadcastHub.sink<number>(4), Keep.both).run(quiet);
    const c = fromHub.runWith(TestSink.probe<number>());
    await up.expectRequest();
    up.sendNext(1);
    up.sendError(e);
    expect(await c.expectError()).toBe(e); // buffered element skipped
    await expect(fromHub.runWith(Sink.seq(), quiet)).rejects.toBe(e);
  });

  it('consumers fail with AbruptTerminationException when the hub is stopped from outside', async () => {
    const mat = new Materializer({ logger: null });
    const fromHub = Source.never<number>().runWith(BroadcastHub.sink<number>(4), mat);
    const c = fromHub.runWith(TestSink.probe<number>());
    c.request(1);
    await new Promise((r) => setTimeout(r, QUIET_MS));
    mat.shutdown();
    expect(await c.expectError()).toBeInstanceOf(AbruptTerminationException);
  });

  it('consumers may run on another materializer, and leave nothing running', async () => {
    const mat = new Materializer();
    const other = new Materializer();
    const fromHub = Source.range(1, 100).runWith(BroadcastHub.sink<number>(16), mat);
    const [a, b] = [fromHub.runWith(Sink.seq(), other), fromHub.runWith(Sink.seq(), other)];
    const expected = Array.from({ length: 100 }, (_, i) => i + 1);
    // a consumer starts at the oldest element still kept: whatever both read is one contiguous tail
    const [ra, rb] = [await a, await b];
    for (const r of [ra, rb]) expect(r).toEqual(expected.slice(expected.length - r.length));
    expect(Math.max(ra.length, rb.length)).toBeGreaterThan(16);
    await eventually(() => mat.runningIslands === 0 && other.runningIslands === 0, 'everything to stop');
  });

  it('validates bufferSize (a power of two below 4096)', () => {
    expect(() => BroadcastHub.sink(3)).toThrow(/BroadcastHub.sink: bufferSize must be a power of two less than 4096, got 3/);
    expect(() => BroadcastHub.sink(4096)).toThrow(RangeError);
    expect(() => BroadcastHub.sink(0)).toThrow(/bufferSize must be a positive integer, got 0/);
  });
});
