import { Flow, NoSuchElementError, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probe } from './harness.js';

const sum = () => Flow.create<number>().reduce((a, x) => a + x);

describe('reduce', () => {
  it('emits the reduction only after upstream completes, and only when demanded', async () => {
    const [up, down] = probe(sum());
    up.sendNextN([1, 2, 3]).sendComplete();
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext(6);
    await down.expectComplete();
  });

  it('nothing is emitted while upstream is still open', async () => {
    const [up, down] = probe(sum());
    down.request(1);
    up.sendNextN([1, 2]);
    await down.expectNoMessageWhenIdle();
    up.sendComplete();
    await down.expectNext(3);
    await down.expectComplete();
  });

  it('uses the first element as the start value and folds left', async () => {
    const calls: [string, string][] = [];
    const out = await Source.from(['a', 'b', 'c'])
      .reduce((a, x) => {
        calls.push([a, x]);
        return a + x;
      })
      .runWith(Sink.seq());
    expect(out).toEqual(['abc']);
    expect(calls).toEqual([
      ['a', 'b'],
      ['ab', 'c'],
    ]);
  });

  it('a single element is the result, f is not called', async () => {
    let called = false;
    const out = await Source.single(5)
      .reduce(() => {
        called = true;
        return 0;
      })
      .runWith(Sink.seq());
    expect(out).toEqual([5]);
    expect(called).toBe(false);
  });

  it('fails with NoSuchElementError on an empty stream', async () => {
    const [up, down] = probe(sum());
    down.request(1);
    up.sendComplete();
    const err = await down.expectError();
    expect(err).toBeInstanceOf(NoSuchElementError);
    expect((err as Error).message).toMatch(/reduce/);
  });

  it('propagates upstream failure with the original error object', async () => {
    const e = boom();
    const [up, down] = probe(sum());
    down.request(1);
    up.sendNext(1);
    await up.expectRequest();
    await up.expectRequest();
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('propagates downstream cancellation upstream', async () => {
    const [up, down] = probe(sum());
    down.request(1);
    await up.expectRequest();
    down.cancel();
    await up.expectCancellation();
  });
});
