import { AbruptTerminationException, Attributes, Materializer, Sink, Source, Supervision } from '@tributary/core';
import { settle, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests } from './harness.js';
import { ManualCalls, quiet } from './timeHarness.js';

describe('Sink.foreachAsync', () => {
  it('runs up to parallelism calls and pulls as calls settle', async () => {
    const calls = new ManualCalls<number, void>();
    const [up, done] = TestSource.probe<number>()
      .toMat(Sink.foreachAsync(2, calls.f), (a, b) => [a, b] as const)
      .run();
    up.sendNextN([1, 2, 3, 4]);
    await calls.waitForStarted(2);
    await expectRequests(up, 2);
    calls.resolve(2, undefined);
    await calls.waitForStarted(3);
    await expectRequests(up, 1);
    calls.resolve(1, undefined);
    calls.resolve(3, undefined);
    await calls.waitForStarted(4);
    up.sendComplete();
    let settled = false;
    void done.then(() => (settled = true));
    await settle();
    expect(settled).toBe(false); // a call is still running
    calls.resolve(4, undefined);
    await done;
    expect(calls.maxInFlight).toBe(2);
  });

  it('calls f for every element and resolves when all calls have settled', async () => {
    const seen: number[] = [];
    await Source.range(1, 50).runWith(
      Sink.foreachAsync(4, async (x) => {
        await Promise.resolve();
        seen.push(x);
      }),
    );
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('accepts functions that return nothing (synchronous calls)', async () => {
    let sum = 0;
    await Source.range(1, 10).runWith(Sink.foreachAsync(3, (x) => void (sum += x)));
    expect(sum).toBe(55);
  });

  it('a rejection rejects the result with the original error and cancels upstream', async () => {
    const e = boom();
    const [up, done] = TestSource.probe<number>()
      .toMat(
        Sink.foreachAsync(2, (x) => (x === 2 ? Promise.reject(e) : new Promise(() => {}))),
        (a, b) => [a, b] as const,
      )
      .run(quiet());
    up.sendNextN([1, 2]);
    await expect(done).rejects.toBe(e);
    expect(await up.expectCancellation()).toBe(e);
  });

  it('a synchronous throw is handled like a rejection; resume skips the element', async () => {
    const e = boom();
    const f = (x: number) => {
      if (x === 3) throw e;
      return Promise.resolve();
    };
    await expect(Source.range(1, 5).runWith(Sink.foreachAsync(2, f), quiet())).rejects.toBe(e);
    let n = 0;
    await Source.range(1, 5).runWith(
      Sink.foreachAsync(2, (x: number) => {
        if (x % 2 === 0) return Promise.reject(boom());
        n++;
        return Promise.resolve();
      }).withAttributes(Attributes.supervisionStrategy(Supervision.resume)),
    );
    expect(n).toBe(3);
  });

  it('rejects with the upstream failure', async () => {
    const e = boom();
    await expect(
      Source.failed<number>(e).runWith(
        Sink.foreachAsync(2, async () => {}),
        quiet(),
      ),
    ).rejects.toBe(e);
  });

  it('rejects with AbruptTerminationException when the materializer shuts down mid-stream', async () => {
    const mat = new Materializer({ logger: null });
    const done = Source.never<number>().runWith(
      Sink.foreachAsync(2, async () => {}),
      mat,
    );
    await new Promise((r) => setTimeout(r, 5));
    mat.shutdown();
    await expect(done).rejects.toBeInstanceOf(AbruptTerminationException);
  });

  it('validates its arguments at build time', () => {
    expect(() => Sink.foreachAsync(0, async () => {})).toThrow(new RangeError('Sink.foreachAsync: parallelism must be a positive integer, got 0'));
    expect(() => Sink.foreachAsync(1, undefined as never)).toThrow(new TypeError('Sink.foreachAsync: f must be a function, got undefined'));
  });
});
