import { Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probe2 } from '../graph/harness.js';

describe('zipLatest', () => {
  it('emits once both sides produced, then on every new element of either side (latest values)', async () => {
    const { a, b, down } = probe2<number, string, [number, string]>((x, y) => x.zipLatest(y));
    down.request(10);
    a.sendNext(1);
    await down.expectNoMessageWhenIdle();
    b.sendNext('a');
    await down.expectNext([1, 'a']);
    a.sendNext(2);
    await down.expectNext([2, 'a']);
    b.sendNext('b');
    await down.expectNext([2, 'b']);
    down.cancel();
  });

  it('does not repeat a tuple: a pull with nothing new waits for the next element', async () => {
    const { a, b, down } = probe2<number, string, [number, string]>((x, y) => x.zipLatest(y));
    a.sendNext(1);
    b.sendNext('a');
    down.request(1);
    await down.expectNext([1, 'a']);
    down.request(1);
    await down.expectNoMessageWhenIdle();
    b.sendNext('b');
    await down.expectNext([1, 'b']);
    down.cancel();
  });

  it('only keeps the latest elements while downstream is slow', async () => {
    const { a, b, down } = probe2<number, string, [number, string]>((x, y) => x.zipLatest(y));
    a.sendNext(1);
    b.sendNext('a');
    down.request(1);
    await down.expectNext([1, 'a']);
    a.sendNext(2); // taken in (both sides were pulled again after the emission) and held until downstream asks
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext([2, 'a']);
    down.cancel();
  });

  it('completes when either side completes', async () => {
    const { a, b, down } = probe2<number, string, [number, string]>((x, y) => x.zipLatest(y));
    down.request(5);
    a.sendNext(1);
    b.sendNext('a');
    await down.expectNext([1, 'a']);
    b.sendComplete();
    await down.expectComplete();
    await a.expectCancellation();
  });

  it('fails with either side’s error', async () => {
    const e = boom();
    await expect(Source.failed<number>(e).zipLatest(Source.single(1)).runWith(Sink.seq())).rejects.toBe(e);
  });
});
