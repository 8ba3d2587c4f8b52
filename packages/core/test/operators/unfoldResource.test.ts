import { Attributes, Materializer, Sink, Source, Supervision } from '@tributary/core';
import { TestSink } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom } from './harness.js';

const quiet = new Materializer({ logger: null });

/** A fake file: reads its lines, records opens and closes. */
class Registry {
  open = 0;
  closed = 0;
  reads = 0;
  readonly live = new Set<{ pos: number }>();
  create(): { pos: number } {
    this.open++;
    const r = { pos: 0 };
    this.live.add(r);
    return r;
  }
  close(r: { pos: number }): void {
    if (!this.live.delete(r)) throw new Error('closed twice');
    this.closed++;
  }
}

function lines(reg: Registry, data: string[], failAt?: { pos: number; error: Error; times?: number }) {
  let failures = 0;
  return Source.unfoldResource(
    () => reg.create(),
    (r) => {
      reg.reads++;
      if (failAt !== undefined && r.pos === failAt.pos && failures < (failAt.times ?? Infinity)) {
        failures++;
        r.pos++;
        throw failAt.error;
      }
      return r.pos < data.length ? data[r.pos++] : undefined;
    },
    (r) => reg.close(r),
  );
}

describe('Source.unfoldResource', () => {
  it('reads on demand only, then closes the resource and completes', async () => {
    const reg = new Registry();
    const down = lines(reg, ['a', 'b', 'c']).runWith(TestSink.probe<string>());
    await down.expectNoMessageWhenIdle();
    expect(reg.reads).toBe(0);
    down.request(2);
    await down.expectNextN(['a', 'b']);
    await down.expectNoMessageWhenIdle();
    expect(reg.reads).toBe(2);
    down.request(2);
    await down.expectNext('c');
    await down.expectComplete();
    expect([reg.open, reg.closed, reg.live.size]).toEqual([1, 1, 0]);
  });

  it('closes the resource on cancellation and on materializer shutdown', async () => {
    const reg = new Registry();
    expect(await lines(reg, ['a', 'b', 'c']).take(1).runWith(Sink.seq())).toEqual(['a']);
    const mat = new Materializer({ logger: null });
    const probe = lines(reg, ['x']).runWith(TestSink.probe<string>(), mat);
    await probe.expectNoMessageWhenIdle();
    mat.shutdown();
    expect([reg.open, reg.closed, reg.live.size]).toEqual([2, 2, 0]);
  });

  it('stop (default): closes the resource and fails with the error', async () => {
    const reg = new Registry();
    const e = boom();
    await expect(lines(reg, ['a', 'b'], { pos: 1, error: e }).runWith(Sink.seq(), quiet)).rejects.toBe(e);
    expect([reg.open, reg.closed]).toEqual([1, 1]);
  });

  it('resume skips the failing read; restart reopens the resource', async () => {
    const reg = new Registry();
    const resume = lines(reg, ['a', 'b', 'c'], { pos: 1, error: boom() }).withAttributes(Attributes.supervisionStrategy(Supervision.resume));
    expect(await resume.runWith(Sink.seq())).toEqual(['a', 'c']);
    expect([reg.open, reg.closed]).toEqual([1, 1]);
    const reg2 = new Registry();
    const restart = lines(reg2, ['a', 'b'], { pos: 1, error: boom(), times: 1 }).withAttributes(Attributes.supervisionStrategy(Supervision.restart));
    expect(await restart.runWith(Sink.seq())).toEqual(['a', 'a', 'b']);
    expect([reg2.open, reg2.closed, reg2.live.size]).toEqual([2, 2, 0]);
  });

  it('a failing create or close fails the stream', async () => {
    const e = boom();
    await expect(
      Source.unfoldResource(
        () => {
          throw e;
        },
        () => 1,
        () => {},
      ).runWith(Sink.seq(), quiet),
    ).rejects.toBe(e);
    await expect(
      Source.unfoldResource(
        () => 0,
        () => undefined,
        () => {
          throw e;
        },
      ).runWith(Sink.seq(), quiet),
    ).rejects.toBe(e);
  });

  it('validates its arguments', () => {
    expect(() =>
      Source.unfoldResource(
        1 as never,
        () => 1,
        () => {},
      ),
    ).toThrow(/Source.unfoldResource: create must be a function/);
    expect(() =>
      Source.unfoldResource(
        () => 1,
        null as never,
        () => {},
      ),
    ).toThrow(/Source.unfoldResource: read must be a function/);
    expect(() =>
      Source.unfoldResource(
        () => 1,
        () => 1,
        'x' as never,
      ),
    ).toThrow(/Source.unfoldResource: close must be a function/);
  });
});
