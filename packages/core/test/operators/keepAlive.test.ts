import { Attributes, Flow, Materializer, Source, Supervision } from '@tributary/core';
import { settle, VirtualScheduler } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom } from './harness.js';
import { probeOn, virtualTime } from './timeHarness.js';

describe('keepAlive (virtual time)', () => {
  it('injects an element when nothing went downstream for maxIdle while downstream waits', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(
      Flow.create<string>().keepAlive(100, () => 'ping'),
      mat,
    );
    down.request(1);
    await scheduler.advance(99);
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(1);
    await down.expectNext('ping');
    down.request(1);
    await scheduler.advance(50);
    up.sendNext('data'); // real elements reset the idle clock
    await down.expectNext('data');
    down.request(1);
    await scheduler.advance(99);
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(1);
    await down.expectNext('ping');
    down.cancel();
  });

  it('never injects without demand', async () => {
    const { scheduler, mat } = virtualTime();
    const [, down] = probeOn(
      Flow.create<string>().keepAlive(10, () => 'ping'),
      mat,
    );
    await scheduler.advance(1000);
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext('ping'); // long overdue: injected at once
    down.cancel();
  });

  it('upstream elements win over injection and are held until downstream asks', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(
      Flow.create<string>().keepAlive(100, () => 'ping'),
      mat,
    );
    await up.expectRequest();
    up.sendNext('a');
    await scheduler.advance(500);
    down.request(1);
    await down.expectNext('a');
    down.cancel();
  });

  it('emits the held element, then completes when upstream has completed', async () => {
    const { mat } = virtualTime();
    const [up, down] = probeOn(
      Flow.create<string>().keepAlive(100, () => 'ping'),
      mat,
    );
    up.sendNext('a').sendComplete();
    await settle(mat);
    down.request(2);
    await down.expectNext('a');
    await down.expectComplete();
  });

  it('a throwing injector fails the stream; resume skips that heartbeat', async () => {
    const e = boom();
    const { scheduler, mat } = virtualTime();
    let n = 0;
    const inject = () => {
      if (n++ === 0) throw e;
      return 'ping';
    };
    const [, down] = probeOn(Flow.create<string>().keepAlive(100, inject), mat);
    down.request(1);
    await scheduler.advance(100);
    expect(await down.expectError()).toBe(e);
    n = 0;
    const [, down2] = probeOn(Flow.create<string>().keepAlive(100, inject).withAttributes(Attributes.supervisionStrategy(Supervision.resume)), mat);
    down2.request(1);
    await scheduler.advance(100);
    await down2.expectNoMessageWhenIdle();
    await scheduler.advance(100);
    await down2.expectNext('ping');
    down2.cancel();
  });

  it('propagates failure and cancellation; no timer outlives the stream', async () => {
    const e = boom();
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(
      Flow.create<string>().keepAlive(100, () => 'ping'),
      mat,
    );
    down.request(1);
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    expect(scheduler.pendingTimers).toBe(0);
    const [up2, down2] = probeOn(
      Flow.create<string>().keepAlive(100, () => 'ping'),
      mat,
    );
    down2.cancel();
    await up2.expectCancellation();
  });

  it('a timer that fires a fraction of a millisecond early waits out the rest, even while the clock moves', async () => {
    // Node's timers fire on the event loop's millisecond clock, so a stage can wake just before its
    // deadline by the precise clock, which keeps moving as it is read. Here the clock reads 0.4 ms
    // before the deadline and then 0.1 ms after it: the stage must wait the 0.4 ms it first read and
    // inject then, never schedule a negative delay (that failed the stream, cutting SSE responses off).
    const scheduler = new SkewedClock();
    const mat = new Materializer({ scheduler, logger: null });
    const [, down] = probeOn(
      Flow.create<string>().keepAlive(100, () => 'ping'),
      mat,
    );
    down.request(1);
    await settle();
    scheduler.skews.push(-0.4, 0.1);
    await scheduler.advance(100);
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(1);
    await down.expectNext('ping');
    down.cancel();
  });

  it('validates its arguments at build time', () => {
    expect(() => Source.single(1).keepAlive(0, () => 0)).toThrow(
      new RangeError('keepAlive: maxIdleMs must be a positive finite number of milliseconds, got 0'),
    );
    expect(() => Source.single(1).keepAlive(10, 0 as never)).toThrow(TypeError);
  });
});

/** A virtual clock whose next reads are off by the given skews (ms), one per read. */
class SkewedClock extends VirtualScheduler {
  readonly skews: number[] = [];
  override now(): number {
    return super.now() + (this.skews.shift() ?? 0);
  }
}
