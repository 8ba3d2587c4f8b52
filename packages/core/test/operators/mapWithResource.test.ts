import { Attributes, Flow, Materializer, Sink, Source, Supervision } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probe } from './harness.js';

const quiet = new Materializer({ logger: null });

/** A fake resource that records what happens to it. */
class Writer {
  static opened = 0;
  static closed = 0;
  readonly lines: string[] = [];
  isClosed = false;
  constructor() {
    Writer.opened++;
  }
  write(x: number): string {
    if (this.isClosed) throw new Error('write after close');
    this.lines.push(String(x));
    return `wrote ${x}`;
  }
  close(): string {
    if (this.isClosed) throw new Error('closed twice');
    this.isClosed = true;
    Writer.closed++;
    return `closed after ${this.lines.length}`;
  }
}

function reset(): void {
  Writer.opened = 0;
  Writer.closed = 0;
}

const writeAll = () =>
  Flow.create<number>().mapWithResource(
    () => new Writer(),
    (w, x) => w.write(x),
    (w) => w.close(),
  );

describe('mapWithResource', () => {
  it('maps with the resource on demand and emits what close returns last', async () => {
    reset();
    const [up, down] = probe(writeAll());
    down.request(1);
    await up.expectRequest();
    up.sendNext(1);
    await down.expectNext('wrote 1');
    up.sendNext(2).sendComplete();
    down.request(2);
    await down.expectNextN(['wrote 2', 'closed after 2']);
    await down.expectComplete();
    expect([Writer.opened, Writer.closed]).toEqual([1, 1]);
  });

  it('close returning undefined emits nothing extra', async () => {
    const out = await Source.from([1, 2])
      .mapWithResource(
        () => ({ n: 0 }),
        (r, x) => (r.n += x),
        () => undefined,
      )
      .runWith(Sink.seq());
    expect(out).toEqual([1, 3]);
  });

  it('closes the resource exactly once on cancellation, upstream failure and materializer shutdown', async () => {
    reset();
    await Source.repeat(1).via(writeAll()).take(3).runWith(Sink.ignore());
    await Source.failed<number>(boom())
      .via(writeAll())
      .runWith(Sink.ignore(), quiet)
      .catch(() => {});
    const mat = new Materializer({ logger: null });
    const done = Source.never<number>().via(writeAll()).runWith(Sink.ignore(), mat);
    await new Promise((r) => setTimeout(r, 10));
    mat.shutdown();
    await done.catch(() => {});
    expect([Writer.opened, Writer.closed]).toEqual([3, 3]);
  });

  it('stop (default): closes the resource and fails with the error', async () => {
    reset();
    const e = boom();
    const flow = Flow.create<number>().mapWithResource(
      () => new Writer(),
      (w, x) => {
        if (x === 2) throw e;
        return w.write(x);
      },
      (w) => w.close(),
    );
    await expect(Source.from([1, 2, 3]).via(flow).runWith(Sink.seq(), quiet)).rejects.toBe(e);
    expect([Writer.opened, Writer.closed]).toEqual([1, 1]);
  });

  it('resume drops the element; restart also replaces the resource (emitting what close returned)', async () => {
    const failing = (d: typeof Supervision.resume) =>
      Source.from([1, 2, 3]).via(
        Flow.create<number>()
          .mapWithResource(
            () => new Writer(),
            (w, x) => {
              if (x === 2) throw boom();
              return w.write(x);
            },
            (w) => w.close(),
          )
          .withAttributes(Attributes.supervisionStrategy(d)),
      );
    reset();
    expect(await failing(Supervision.resume).runWith(Sink.seq())).toEqual(['wrote 1', 'wrote 3', 'closed after 2']);
    expect([Writer.opened, Writer.closed]).toEqual([1, 1]);
    reset();
    expect(await failing(Supervision.restart).runWith(Sink.seq())).toEqual(['wrote 1', 'closed after 1', 'wrote 3', 'closed after 1']);
    expect([Writer.opened, Writer.closed]).toEqual([2, 2]);
  });

  it('upstream failure: emits what close returns (on demand), then fails with upstream’s error (as Pekko)', async () => {
    reset();
    const e = boom();
    const [up, down] = probe(writeAll());
    down.request(1);
    up.sendNext(1);
    await down.expectNext('wrote 1');
    up.sendError(e);
    down.request(1);
    await down.expectNext('closed after 1');
    expect(await down.expectError()).toBe(e);
    expect([Writer.opened, Writer.closed]).toEqual([1, 1]);
  });

  it('stop: emits what close returns before failing with f’s error', async () => {
    reset();
    const e = boom();
    const [up, down] = probe(
      Flow.create<number>().mapWithResource(
        () => new Writer(),
        (w, x) => {
          if (x === 2) throw e;
          return w.write(x);
        },
        (w) => w.close(),
      ),
    );
    down.request(5);
    up.sendNextN([1, 2, 3]);
    await down.expectNextN(['wrote 1', 'closed after 1']);
    expect(await down.expectError()).toBe(e);
    await up.expectCancellation();
    expect([Writer.opened, Writer.closed]).toEqual([1, 1]);
  });

  it('close throwing: its error is the one reported, and close is not called again', async () => {
    const closeError = boom('close failed');
    let closes = 0;
    const flow = Flow.create<number>().mapWithResource(
      () => 'resource',
      (_r, x) => {
        if (x === 2) throw boom('f failed');
        return x;
      },
      () => {
        closes++;
        throw closeError;
      },
    );
    await expect(Source.from([1, 2, 3]).via(flow).runWith(Sink.seq(), quiet)).rejects.toBe(closeError);
    expect(closes).toBe(1);
  });

  it('a failing create fails the stream', async () => {
    const e = boom();
    await expect(
      Source.from([1])
        .mapWithResource(
          () => {
            throw e;
          },
          (_r, x) => x,
          () => undefined,
        )
        .runWith(Sink.seq(), quiet),
    ).rejects.toBe(e);
  });

  it('each materialization gets its own resource', async () => {
    reset();
    const src = Source.from([1]).via(writeAll());
    await Promise.all([src.runWith(Sink.seq()), src.runWith(Sink.seq())]);
    expect([Writer.opened, Writer.closed]).toEqual([2, 2]);
  });

  it('validates its arguments', () => {
    expect(() =>
      Flow.create<number>().mapWithResource(
        null as never,
        (_r, x) => x,
        () => undefined,
      ),
    ).toThrow(/mapWithResource: create must be a function/);
    expect(() =>
      Flow.create<number>().mapWithResource(
        () => 1,
        1 as never,
        () => undefined,
      ),
    ).toThrow(/mapWithResource: f must be a function/);
    expect(() =>
      Flow.create<number>().mapWithResource(
        () => 1,
        (_r, x) => x,
        undefined as never,
      ),
    ).toThrow(/mapWithResource: close must be a function/);
  });
});
