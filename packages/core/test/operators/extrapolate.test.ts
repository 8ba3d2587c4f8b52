import { Flow, Source } from '@tributary/core';
import { settle } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, probe } from './harness.js';

function* countFrom(x: number): Generator<number> {
  for (let i = x + 1; ; i++) yield i;
}

describe('extrapolate', () => {
  it('emits each element as it is, then extrapolated values while upstream is slower', async () => {
    const [up, down] = probe(Flow.create<number>().extrapolate((x) => countFrom(x)));
    up.sendNext(10);
    down.request(3);
    await down.expectNextN([10, 11, 12]);
    up.sendNext(20);
    await settle();
    down.request(2);
    await down.expectNextN([20, 21]);
    down.cancel();
  });

  it('calls the extrapolator only when downstream wants more than the element', async () => {
    const called: number[] = [];
    const [up, down] = probe(
      Flow.create<number>().extrapolate((x) => {
        called.push(x);
        return [x];
      }),
    );
    down.request(1);
    up.sendNext(1);
    await down.expectNext(1);
    up.sendNext(2); // arrives before downstream asks again: 1 is never extrapolated
    await settle();
    down.request(1);
    await down.expectNext(2);
    expect(called).toEqual([]);
    down.request(1);
    await down.expectNext(2);
    expect(called).toEqual([2]);
    down.cancel();
  });

  it('with initial: emits it (and its extrapolation) before upstream has produced anything', async () => {
    const [up, down] = probe(Flow.create<number>().extrapolate((x) => [x], 0));
    await up.expectNoMessageWhenIdle(); // upstream is asked only once initial went out
    down.request(2);
    await down.expectNextN([0, 0]);
    await up.expectRequest();
    up.sendNext(5);
    down.request(1);
    await down.expectNext(5);
    down.cancel();
  });

  it('completes after its last element when upstream completes', async () => {
    const [up, down] = probe(Flow.create<number>().extrapolate((x) => countFrom(x)));
    up.sendNext(1).sendComplete();
    await settle();
    down.request(5);
    await down.expectNext(1);
    await down.expectComplete();
  });

  it('a throwing extrapolator fails the stream with its error', async () => {
    const e = boom();
    const [up, down] = probe(
      Flow.create<number>().extrapolate(() => {
        throw e;
      }),
    );
    up.sendNext(1);
    down.request(2);
    await down.expectNext(1);
    expect(await down.expectError()).toBe(e);
  });

  it('propagates upstream failure and downstream cancellation', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<number>().extrapolate((x) => [x]));
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    const [up2, down2] = probe(Flow.create<number>().extrapolate((x) => [x]));
    await up2.expectRequest();
    down2.cancel();
    await up2.expectCancellation();
  });

  it('validates its arguments at build time', () => {
    expect(() => Source.single(1).extrapolate(1 as never)).toThrow(new TypeError('extrapolate: extrapolator must be a function, got 1'));
    expect(() => (Source.single(1).extrapolate as (...a: unknown[]) => unknown)()).toThrow(TypeError);
  });
});
