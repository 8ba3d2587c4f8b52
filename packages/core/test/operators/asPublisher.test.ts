import { AbruptTerminationException, Attributes, Keep, Materializer, type Publisher, Sink, Source, type Subscription } from '@tributary/core';
import { TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { Recorder, tick } from '../interop/rsHelpers.js';
import { boom, eventually } from './harness.js';

describe('Sink.asPublisher', () => {
  it('rejects a non-boolean fanout at build time', () => {
    expect(() => Sink.asPublisher(1 as unknown as boolean)).toThrow(/Sink.asPublisher: fanout must be a boolean/);
  });

  it('pulls nothing before the first subscriber, then only a buffer ahead of demand', async () => {
    const [up, pub] = TestSource.probe<number>().toMat(Sink.asPublisher(false), Keep.both).run();
    await up.expectNoMessageWhenIdle();
    const r = new Recorder<number>();
    pub.subscribe(r);
    await eventually(() => r.subscription !== undefined, 'onSubscribe');
    // The sink reads ahead one element at a time up to its input buffer (16 by default).
    expect(await up.expectRequest()).toBe(1);
    up.sendNext(1);
    expect(await up.expectRequest()).toBe(1);
    await tick();
    expect(r.elements).toEqual([]);
    r.subscription!.request(2);
    up.sendNext(2);
    await eventually(() => r.elements.length === 2, 'two elements');
    expect(r.elements).toEqual([1, 2]);
    r.subscription!.cancel();
    await up.expectRequest();
    await up.expectCancellation();
  });

  it('delivers completion after the remaining elements, and to late subscribers at once', async () => {
    const pub = Source.range(1, 3).runWith(Sink.asPublisher(true));
    const r = new Recorder<number>();
    pub.subscribe(r);
    await eventually(() => r.subscription !== undefined, 'onSubscribe');
    r.subscription!.request(2);
    await eventually(() => r.elements.length === 2, 'two elements');
    await tick();
    expect(r.completed).toBe(false);
    r.subscription!.request(1);
    await eventually(() => r.completed, 'completion');
    expect(r.elements).toEqual([1, 2, 3]);
    const late = new Recorder<number>();
    pub.subscribe(late);
    expect(late.subscription).toBeDefined();
    expect(late.completed).toBe(true);
  });

  it('signals failure to every subscriber without waiting for demand', async () => {
    const [up, pub] = TestSource.probe<number>().toMat(Sink.asPublisher(true), Keep.both).run();
    const a = new Recorder<number>();
    const b = new Recorder<number>();
    pub.subscribe(a);
    pub.subscribe(b);
    await eventually(() => a.subscription !== undefined && b.subscription !== undefined, 'onSubscribe');
    const e = boom();
    up.sendError(e);
    await eventually(() => a.error !== undefined && b.error !== undefined, 'onError');
    expect(a.error).toBe(e);
    expect(b.error).toBe(e);
  });

  it('non-fanout: a second subscriber gets onSubscribe then onError', async () => {
    const pub = Source.never<number>().runWith(Sink.asPublisher(false));
    pub.subscribe(new Recorder<number>());
    const second = new Recorder<number>();
    pub.subscribe(second);
    expect(second.subscription).toBeDefined();
    expect(String(second.error)).toMatch(/supports only one subscriber/);
  });

  it('fanout: subscribers share the stream at the pace of the slowest', async () => {
    const [up, pub] = TestSource.probe<number>()
      .toMat(Sink.asPublisher(true).withAttributes(Attributes.inputBuffer(2, 2)), Keep.both)
      .run();
    const fast = new Recorder<number>();
    const slow = new Recorder<number>();
    pub.subscribe(fast);
    pub.subscribe(slow);
    await eventually(() => fast.subscription !== undefined && slow.subscription !== undefined, 'onSubscribe');
    fast.subscription!.request(10);
    await up.expectRequest();
    up.sendNext(1);
    await up.expectRequest();
    up.sendNext(2);
    // The buffer (2) is full: the slow subscriber has seen nothing, so no more is pulled.
    await up.expectNoMessageWhenIdle();
    expect(fast.elements).toEqual([1, 2]);
    slow.subscription!.request(1);
    await eventually(() => slow.elements.length === 1, 'slow got one');
    expect(await up.expectRequest()).toBe(1);
  });

  it('fanout: the stream is cancelled when the last subscriber cancels', async () => {
    const [up, pub] = TestSource.probe<number>().toMat(Sink.asPublisher(true), Keep.both).run();
    const a = new Recorder<number>();
    const b = new Recorder<number>();
    pub.subscribe(a);
    pub.subscribe(b);
    await eventually(() => a.subscription !== undefined && b.subscription !== undefined, 'onSubscribe');
    a.subscription!.cancel();
    await tick();
    b.subscription!.cancel();
    await up.expectCancellation();
  });

  it('signals request(0) as onError(RangeError) and cancels the stream (non-fanout)', async () => {
    const [up, pub] = TestSource.probe<number>().toMat(Sink.asPublisher(false), Keep.both).run();
    const r = new Recorder<number>();
    pub.subscribe(r);
    await eventually(() => r.subscription !== undefined, 'onSubscribe');
    expect(() => r.subscription!.request(0)).not.toThrow();
    await eventually(() => r.error !== undefined, 'onError');
    expect(r.error).toBeInstanceOf(RangeError);
    await up.expectRequest();
    expect(await up.expectCancellation()).toBeInstanceOf(RangeError);
  });

  it('fails the stream with a TypeError on a null element (rule 2.13)', async () => {
    const pub: Publisher<unknown> = Source.from([1, null, 3]).runWith(Sink.asPublisher(false));
    const r = new Recorder<unknown>();
    pub.subscribe(r);
    await eventually(() => r.subscription !== undefined, 'onSubscribe');
    r.subscription!.request(5);
    await eventually(() => r.error !== undefined, 'onError');
    expect(r.error).toBeInstanceOf(TypeError);
    expect([[], [1]]).toContainEqual(r.elements); // the failure may overtake the buffered element
  });

  it('answers subscribers with onError when the materializer shuts down', async () => {
    const mat = new Materializer({ logger: null });
    const pub = Source.never<number>().runWith(Sink.asPublisher(true), mat);
    const r = new Recorder<number>();
    pub.subscribe(r);
    await eventually(() => r.subscription !== undefined, 'onSubscribe');
    mat.shutdown();
    expect(r.error).toBeInstanceOf(AbruptTerminationException);
  });

  it('treats a subscriber that throws from onNext as cancelled', async () => {
    const [up, pub] = TestSource.probe<number>()
      .toMat(Sink.asPublisher(false), Keep.both)
      .run(new Materializer({ logger: null }));
    const e = boom();
    let subscription: Subscription | undefined;
    pub.subscribe({
      onSubscribe: (s) => (subscription = s),
      onNext: () => {
        throw e;
      },
      onError: () => {},
      onComplete: () => {},
    });
    await eventually(() => subscription !== undefined, 'onSubscribe');
    subscription!.request(1);
    await up.expectRequest();
    up.sendNext(1);
    expect(await up.expectCancellation()).toBe(e);
  });
});
