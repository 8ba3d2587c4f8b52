import { Attributes, Materializer, Sink, Source, Supervision } from '@tributary/core';
import { TestSink } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, eventually, QUIET_MS } from './harness.js';

const quiet = new Materializer({ logger: null });
const tick = () => new Promise<void>((r) => setTimeout(r, 1));

/** An async fake resource: every call takes a timer tick. Tracks what is open. */
class AsyncRegistry {
  open = 0;
  closed = 0;
  reads = 0;
  inFlight = 0;
  maxInFlight = 0;
  readonly live = new Set<{ pos: number }>();
  private async call<T>(f: () => T): Promise<T> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await tick();
      return f();
    } finally {
      this.inFlight--;
    }
  }
  source(data: string[], failAt?: { pos: number; error: Error; times?: number }): Source<string> {
    let failures = 0;
    return Source.unfoldResourceAsync(
      () =>
        this.call(() => {
          this.open++;
          const r = { pos: 0 };
          this.live.add(r);
          return r;
        }),
      (r) =>
        this.call(() => {
          this.reads++;
          if (failAt !== undefined && r.pos === failAt.pos && failures < (failAt.times ?? Infinity)) {
            failures++;
            r.pos++;
            throw failAt.error;
          }
          return r.pos < data.length ? data[r.pos++] : undefined;
        }),
      (r) =>
        this.call(() => {
          if (!this.live.delete(r)) throw new Error('closed twice');
          this.closed++;
        }),
    );
  }
}

describe('Source.unfoldResourceAsync', () => {
  it('reads on demand, one call at a time; completes only after close settled', async () => {
    const reg = new AsyncRegistry();
    const down = reg.source(['a', 'b']).runWith(TestSink.probe<string>());
    await down.expectNoMessage(QUIET_MS);
    expect([reg.open, reg.reads]).toEqual([1, 0]);
    down.request(1);
    await down.expectNext('a');
    await down.expectNoMessage(QUIET_MS);
    expect(reg.reads).toBe(1);
    down.request(5);
    await down.expectNext('b');
    await down.expectComplete();
    expect([reg.open, reg.closed, reg.live.size, reg.maxInFlight]).toEqual([1, 1, 0, 1]);
  });

  it('downstream cancellation closes the resource before the stage stops', async () => {
    const reg = new AsyncRegistry();
    const mat = new Materializer({ logger: null });
    expect(await reg.source(['a', 'b', 'c']).take(1).runWith(Sink.seq(), mat)).toEqual(['a']);
    await eventually(() => mat.runningIslands === 0, 'the stream to stop');
    expect([reg.open, reg.closed]).toEqual([1, 1]);
  });

  it('stop (default): closes the resource, then fails with the error', async () => {
    const reg = new AsyncRegistry();
    const e = boom();
    await expect(reg.source(['a', 'b'], { pos: 1, error: e }).runWith(Sink.seq(), quiet)).rejects.toBe(e);
    expect([reg.open, reg.closed]).toEqual([1, 1]);
  });

  it('resume reads again; restart reopens', async () => {
    const reg = new AsyncRegistry();
    expect(
      await reg.source(['a', 'b', 'c'], { pos: 1, error: boom() }).withAttributes(Attributes.supervisionStrategy(Supervision.resume)).runWith(Sink.seq()),
    ).toEqual(['a', 'c']);
    expect([reg.open, reg.closed]).toEqual([1, 1]);
    const reg2 = new AsyncRegistry();
    expect(
      await reg2
        .source(['a', 'b'], { pos: 1, error: boom(), times: 1 })
        .withAttributes(Attributes.supervisionStrategy(Supervision.restart))
        .runWith(Sink.seq()),
    ).toEqual(['a', 'a', 'b']);
    expect([reg2.open, reg2.closed, reg2.live.size]).toEqual([2, 2, 0]);
  });

  it('a resource created after the stream was stopped from outside is closed when it arrives', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let closed = 0;
    const mat = new Materializer({ logger: null });
    Source.unfoldResourceAsync(
      () => gate.then(() => 'res'),
      async () => 'x',
      async () => {
        closed++;
      },
    )
      .runWith(Sink.ignore(), mat)
      .catch(() => {});
    await new Promise((r) => setTimeout(r, 5));
    mat.shutdown();
    release();
    await eventually(() => closed === 1, 'the orphaned resource to be closed');
  });

  it('materializer shutdown closes an open resource', async () => {
    const reg = new AsyncRegistry();
    const mat = new Materializer({ logger: null });
    const probe = reg.source(['a']).runWith(TestSink.probe<string>(), mat);
    await eventually(() => reg.open === 1, 'the resource to open');
    await probe.expectNoMessage(5);
    mat.shutdown();
    await eventually(() => reg.closed === 1, 'the resource to close');
  });

  it('a rejected create or close fails the stream', async () => {
    const e = boom();
    await expect(
      Source.unfoldResourceAsync(
        () => Promise.reject(e),
        async () => 1,
        async () => {},
      ).runWith(Sink.seq(), quiet),
    ).rejects.toBe(e);
    await expect(
      Source.unfoldResourceAsync(
        async () => 0,
        async () => undefined,
        () => Promise.reject(e),
      ).runWith(Sink.seq(), quiet),
    ).rejects.toBe(e);
  });

  it('a synchronous throw of read is handled like a rejection', async () => {
    const e = boom();
    await expect(
      Source.unfoldResourceAsync(
        async () => 0,
        () => {
          throw e;
        },
        async () => {},
      ).runWith(Sink.seq(), quiet),
    ).rejects.toBe(e);
  });

  it('validates its arguments', () => {
    expect(() =>
      Source.unfoldResourceAsync(
        undefined as never,
        async () => 1,
        async () => {},
      ),
    ).toThrow(/Source.unfoldResourceAsync: create must be a function/);
  });
});
