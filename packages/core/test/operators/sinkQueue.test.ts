import { AbruptTerminationException, Attributes, IllegalStateError, Materializer, Sink, Source } from '@tributary/core';
import { StreamDetachedException } from '@tributary/core/stage';
import { TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, QUIET_MS } from './harness.js';
import { quiet } from './timeHarness.js';

describe('Sink.queue', () => {
  it('pull() resolves with the elements in order, then undefined once completed (and again after)', async () => {
    const q = Source.range(1, 3).runWith(Sink.queue<number>());
    expect(await q.pull()).toBe(1);
    expect(await q.pull()).toBe(2);
    expect(await q.pull()).toBe(3);
    expect(await q.pull()).toBeUndefined();
    expect(await q.pull()).toBeUndefined();
  });

  it('fetches ahead up to the input buffer, and asks for more as elements are taken', async () => {
    const [up, q] = TestSource.probe<number>()
      .toMat(Sink.queue<number>().withAttributes(Attributes.inputBuffer(2, 2)), (a, b) => [a, b] as const)
      .run();
    await up.expectRequest();
    up.sendNext(1);
    await up.expectRequest();
    up.sendNext(2);
    await up.expectNoMessageWhenIdle(); // buffer full
    expect(await q.pull()).toBe(1);
    await up.expectRequest();
    up.sendNext(3).sendComplete();
    expect(await q.pull()).toBe(2);
    expect(await q.pull()).toBe(3);
    expect(await q.pull()).toBeUndefined();
  });

  it('a pull waits for the next element', async () => {
    const [up, q] = TestSource.probe<number>()
      .toMat(Sink.queue<number>(), (a, b) => [a, b] as const)
      .run();
    const p = q.pull();
    await up.expectRequest();
    up.sendNext(42);
    expect(await p).toBe(42);
    q.cancel();
    await up.expectCancellation();
  });

  it('rejects with the stream failure (also for later pulls)', async () => {
    const e = boom();
    const q = Source.failed<number>(e).runWith(Sink.queue<number>(), quiet());
    await expect(q.pull()).rejects.toBe(e);
    await expect(q.pull()).rejects.toBe(e);
  });

  it('delivers buffered elements before the failure', async () => {
    const e = boom();
    const [up, q] = TestSource.probe<number>()
      .toMat(Sink.queue<number>(), (a, b) => [a, b] as const)
      .run(quiet());
    up.sendNext(1);
    await up.expectRequest();
    up.sendError(e);
    await new Promise((r) => setTimeout(r, QUIET_MS));
    expect(await q.pull()).toBe(1);
    await expect(q.pull()).rejects.toBe(e);
  });

  it('more concurrent pulls than allowed reject with IllegalStateError', async () => {
    const [up, q] = TestSource.probe<number>()
      .toMat(Sink.queue<number>(), (a, b) => [a, b] as const)
      .run();
    const first = q.pull();
    await expect(q.pull()).rejects.toBeInstanceOf(IllegalStateError);
    up.sendNext(1);
    expect(await first).toBe(1);
    const [up2, q2] = TestSource.probe<number>()
      .toMat(Sink.queue<number>(2), (a, b) => [a, b] as const)
      .run();
    const a = q2.pull();
    const b = q2.pull();
    up2.sendNextN([1, 2]);
    expect([await a, await b]).toEqual([1, 2]);
    q.cancel();
    q2.cancel();
  });

  it('cancel() cancels upstream; later pulls reject with StreamDetachedException', async () => {
    const [up, q] = TestSource.probe<number>()
      .toMat(Sink.queue<number>(), (a, b) => [a, b] as const)
      .run();
    await up.expectRequest();
    q.cancel();
    await up.expectCancellation();
    await expect(q.pull()).rejects.toBeInstanceOf(StreamDetachedException);
  });

  it('materializer shutdown rejects a waiting pull', async () => {
    const mat = new Materializer({ logger: null });
    const q = Source.never<number>().runWith(Sink.queue<number>(), mat);
    const p = q.pull();
    await new Promise((r) => setTimeout(r, 5));
    mat.shutdown();
    await expect(p).rejects.toBeInstanceOf(AbruptTerminationException);
  });

  it('validates its arguments at build time', () => {
    expect(() => Sink.queue(0)).toThrow(new RangeError('Sink.queue: maxConcurrentPulls must be a positive integer, got 0'));
  });
});
