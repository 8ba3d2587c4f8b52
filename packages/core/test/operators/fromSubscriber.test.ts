import { Sink, Source } from '@tributary/core';
import { TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { Recorder } from '../interop/rsHelpers.js';
import { boom, eventually } from './harness.js';

describe('Sink.fromSubscriber', () => {
  it('rejects a missing subscriber at build time (rule 1.9)', () => {
    expect(() => Sink.fromSubscriber(null as never)).toThrow(TypeError);
  });

  it('pulls only as the subscriber requests', async () => {
    const r = new Recorder<number>();
    const up = TestSource.probe<number>().to(Sink.fromSubscriber(r)).run();
    await eventually(() => r.subscription !== undefined, 'onSubscribe');
    await up.expectNoMessageWhenIdle();
    r.subscription!.request(2);
    expect(await up.expectRequest()).toBe(1);
    up.sendNext(1);
    expect(await up.expectRequest()).toBe(1);
    up.sendNext(2);
    await up.expectNoMessageWhenIdle();
    await eventually(() => r.elements.length === 2, 'elements');
    expect(r.elements).toEqual([1, 2]);
    up.sendComplete();
    await eventually(() => r.completed, 'completion');
  });

  it('passes failure on, and cancels upstream on cancel()', async () => {
    const e = boom();
    const r = new Recorder<number>();
    Source.failed<number>(e).runWith(Sink.fromSubscriber(r));
    await eventually(() => r.error !== undefined, 'onError');
    expect(r.error).toBe(e);

    const r2 = new Recorder<number>();
    const up = TestSource.probe<number>().to(Sink.fromSubscriber(r2)).run();
    await eventually(() => r2.subscription !== undefined, 'onSubscribe');
    r2.subscription!.cancel();
    await up.expectCancellation();
  });

  it('signals request(NaN) as onError(RangeError) and cancels upstream', async () => {
    const r = new Recorder<number>();
    const up = TestSource.probe<number>().to(Sink.fromSubscriber(r)).run();
    await eventually(() => r.subscription !== undefined, 'onSubscribe');
    r.subscription!.request(Number.NaN);
    await eventually(() => r.error !== undefined, 'onError');
    expect(r.error).toBeInstanceOf(RangeError);
    expect(await up.expectCancellation()).toBeInstanceOf(RangeError);
  });

  it('saturates demand at Infinity', async () => {
    const r = new Recorder<number>();
    Source.range(1, 5).runWith(Sink.fromSubscriber(r));
    await eventually(() => r.subscription !== undefined, 'onSubscribe');
    r.subscription!.request(Number.MAX_SAFE_INTEGER);
    r.subscription!.request(Number.MAX_SAFE_INTEGER);
    await eventually(() => r.completed, 'completion');
    expect(r.elements).toEqual([1, 2, 3, 4, 5]);
    expect(r.error).toBeUndefined();
  });
});
