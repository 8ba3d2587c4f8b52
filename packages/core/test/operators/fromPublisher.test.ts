import { Attributes, Keep, Sink, Source } from '@tributary/core';
import { TestSink } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { ManualPub } from '../interop/rsHelpers.js';
import { boom, eventually } from './harness.js';

describe('Source.fromPublisher', () => {
  it('rejects something that is not a publisher at build time', () => {
    expect(() => Source.fromPublisher(null as never)).toThrow(TypeError);
    expect(() => Source.fromPublisher({} as never)).toThrow(/Source.fromPublisher: publisher must be a Reactive Streams Publisher/);
  });

  it('subscribes when the stream starts and requests a window, renewed half a window at a time', async () => {
    const pub = new ManualPub<number>();
    const down = Source.fromPublisher(pub).withAttributes(Attributes.inputBuffer(4, 4)).runWith(TestSink.probe<number>());
    await eventually(() => pub.requests.length === 1, 'first request');
    expect(pub.requests).toEqual([4]);
    for (let i = 1; i <= 4; i++) pub.subscriber!.onNext(i);
    await down.expectNoMessageWhenIdle(); // nothing without downstream demand
    down.request(1);
    await down.expectNext(1);
    await down.expectNoMessageWhenIdle();
    expect(pub.requests).toEqual([4]);
    down.request(1);
    await down.expectNext(2);
    await eventually(() => pub.requests.length === 2, 're-request');
    expect(pub.requests).toEqual([4, 2]);
  });

  it('completes after the buffered elements', async () => {
    const pub = new ManualPub<number>();
    const down = Source.fromPublisher(pub).runWith(TestSink.probe<number>());
    await eventually(() => pub.requests.length === 1, 'request');
    pub.subscriber!.onNext(1);
    pub.subscriber!.onNext(2);
    pub.subscriber!.onComplete();
    down.request(5);
    await down.expectNextN([1, 2]);
    await down.expectComplete();
  });

  it('passes onError on at once', async () => {
    const pub = new ManualPub<number>();
    const down = Source.fromPublisher(pub).runWith(TestSink.probe<number>());
    await eventually(() => pub.requests.length === 1, 'request');
    const e = boom();
    pub.subscriber!.onNext(1);
    pub.subscriber!.onError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('cancels the subscription when downstream cancels', async () => {
    const pub = new ManualPub<number>();
    const down = Source.fromPublisher(pub).runWith(TestSink.probe<number>());
    await eventually(() => pub.requests.length === 1, 'request');
    down.cancel();
    await eventually(() => pub.cancelled, 'cancel');
  });

  it('fails on more elements than requested (rule 1.1) and on null elements (rule 2.13)', async () => {
    const pub = new ManualPub<number>();
    const down = Source.fromPublisher(pub).withAttributes(Attributes.inputBuffer(1, 1)).runWith(TestSink.probe<number>());
    await eventually(() => pub.requests.length === 1, 'request');
    pub.subscriber!.onNext(1);
    pub.subscriber!.onNext(2);
    expect(String(await down.expectError())).toMatch(/Rule 1.1/);
    await eventually(() => pub.cancelled, 'cancel');

    const pub2 = new ManualPub<number>();
    const down2 = Source.fromPublisher(pub2).runWith(TestSink.probe<number>());
    await eventually(() => pub2.requests.length === 1, 'request');
    expect(() => pub2.subscriber!.onNext(null as never)).toThrow(TypeError);
    expect(await down2.expectError()).toBeInstanceOf(TypeError);
  });

  it('each materialization subscribes afresh', async () => {
    const src = Source.fromPublisher(Source.range(1, 3).runWith(Sink.asPublisher(true)));
    const [a, b] = await Promise.all([src.runWith(Sink.seq()), Source.range(1, 2).runWith(Sink.seq())]);
    expect(a).toEqual([1, 2, 3]);
    expect(b).toEqual([1, 2]);
    void Keep;
  });
});
