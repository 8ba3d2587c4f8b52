import { Attributes, Flow, Sink, Source, Supervision } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probe } from './harness.js';

describe('mapError', () => {
  it('passes elements and completion through on demand', async () => {
    const [up, down] = probe(Flow.create<number>().mapError(() => new Error('x')));
    down.request(1);
    await up.expectRequest();
    up.sendNext(7);
    await down.expectNext(7);
    up.sendComplete();
    await down.expectComplete();
  });

  it('fails with the mapped error', async () => {
    const original = boom();
    const mapped = new TypeError('mapped');
    let seen: unknown;
    const [up, down] = probe(Flow.create<number>().mapError((e) => ((seen = e), mapped)));
    down.request(1);
    await up.expectRequest();
    up.sendError(original);
    expect(await down.expectError()).toBe(mapped);
    expect(seen).toBe(original);
  });

  it('keeps the original error when pf returns undefined', async () => {
    const original = boom();
    await expect(
      Source.failed<number>(original)
        .mapError(() => undefined)
        .runWith(Sink.ignore()),
    ).rejects.toBe(original);
  });

  it('wraps with a cause (typical use)', async () => {
    const original = boom('db down');
    const err = await Source.failed<number>(original)
      .mapError((e) => new Error('ingest failed', { cause: e }))
      .runWith(Sink.ignore())
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe('ingest failed');
    expect((err as Error).cause).toBe(original);
  });

  it('pf throwing: stop fails with the thrown error, resume with the original', async () => {
    const original = boom('original');
    const thrown = boom('thrown');
    const pf = (): never => {
      throw thrown;
    };
    await expect(Source.failed<number>(original).mapError(pf).runWith(Sink.ignore())).rejects.toBe(thrown);
    const resumed = Source.failed<number>(original).via(Flow.create<number>().mapError(pf).withAttributes(Attributes.supervisionStrategy(Supervision.resume)));
    await expect(resumed.runWith(Sink.ignore())).rejects.toBe(original);
  });

  it('cancellation travels upstream', async () => {
    const [up, down] = probe(Flow.create<number>().mapError((e) => e));
    down.cancel();
    await up.expectCancellation();
  });

  it('validates pf', () => {
    expect(() => Flow.create<number>().mapError(undefined as never)).toThrow(/mapError: pf must be a function/);
  });
});
