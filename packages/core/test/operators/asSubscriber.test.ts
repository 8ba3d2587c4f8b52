import { Keep, Sink, Source } from '@tributary/core';
import { TestSink } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { ManualPub, tick } from '../interop/rsHelpers.js';
import { boom, eventually } from './harness.js';

describe('Source.asSubscriber', () => {
  it('materializes a subscriber that feeds the stream', async () => {
    const [subscriber, done] = Source.asSubscriber<number>().toMat(Sink.seq(), Keep.both).run();
    Source.range(1, 50).runWith(Sink.asPublisher(false)).subscribe(subscriber);
    expect(await done).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('requests only a window before downstream demands anything', async () => {
    const [subscriber, down] = Source.asSubscriber<number>().toMat(TestSink.probe<number>(), Keep.both).run();
    const pub = new ManualPub<number>();
    pub.subscribe(subscriber);
    await eventually(() => pub.requests.length === 1, 'request');
    await tick(20);
    expect(pub.requests).toEqual([16]);
    down.cancel();
    await eventually(() => pub.cancelled, 'cancel');
  });

  it('cancels a second subscription (rule 2.5) and throws on null signals (rule 2.13)', async () => {
    const [subscriber, down] = Source.asSubscriber<number>().toMat(TestSink.probe<number>(), Keep.both).run();
    const first = new ManualPub<number>();
    const second = new ManualPub<number>();
    first.subscribe(subscriber);
    second.subscribe(subscriber);
    await eventually(() => second.cancelled, 'second cancelled');
    expect(first.cancelled).toBe(false);
    expect(() => subscriber.onSubscribe(null as never)).toThrow(TypeError);
    expect(() => subscriber.onError(null)).toThrow(TypeError);
    expect(await down.expectError()).toBeInstanceOf(TypeError);
  });

  it('fails the stream with the publisher error', async () => {
    const [subscriber, done] = Source.asSubscriber<number>().toMat(Sink.seq(), Keep.both).run();
    const e = boom();
    Source.failed<number>(e).runWith(Sink.asPublisher(false)).subscribe(subscriber);
    await expect(done).rejects.toBe(e);
  });
});
