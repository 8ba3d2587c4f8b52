/**
 * `merge`/`mergeAll` read a plain synchronous input (`Source.single`, `Source.empty`,
 * `Source.range`/`Source.from(iterable)` with no operators or attributes) in place, through a cursor
 * the junction opens per materialization (see `Merge`'s `inline`). These tests pin
 * what that must keep: demand (nothing read without downstream demand), fairness between inputs,
 * completion, failure, cancellation closing the iterator, a fresh cursor per run. The laws against the
 * same inputs kept as wired stages are in ../properties/mergeInline.property.test.ts.
 */
import { Sink, Source, toMermaid } from '@tributary/core';
import { type TestPublisherProbe, TestSink, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';

/** An iterable over `0, 1, …` (`n` elements, failing at `failAt` if given) that counts reads and `return()` calls. */
function observed(n: number, failAt = -1) {
  const o = {
    reads: 0,
    returns: 0,
    iterable: {
      [Symbol.iterator](): Iterator<number> {
        let i = 0;
        return {
          next: () => {
            o.reads++;
            if (i === failAt) throw new Error(`boom at ${i}`);
            return i < n ? { done: false, value: i++ } : { done: true, value: undefined };
          },
          return: () => {
            o.returns++;
            return { done: true, value: undefined };
          },
        };
      },
    } as Iterable<number>,
  };
  return o;
}

/** `up` (a probe) with `build` applied, run into a downstream probe. */
function run<T>(build: (up: Source<number, unknown>) => Source<T, unknown>) {
  let up!: TestPublisherProbe<number>;
  const down = build(TestSource.probe<number>().mapMaterializedValue((p) => (up = p))).runWith(TestSink.probe<T>());
  return { up, down };
}

describe('merge with inputs read in place', () => {
  it('is one junction with no stage for the inline inputs', () => {
    const m = toMermaid(Source.range(1, 3).mergeAll([Source.from([4]), Source.single(5), Source.empty<number>()]));
    expect(m.match(/\["Merge"\]/g)?.length).toBe(1);
    expect(m).not.toContain('Merge.in1');
    expect(toMermaid(Source.range(1, 3).merge(Source.from([4]).named('x')))).toContain('Merge.in1');
  });

  it('reads no element without downstream demand', async () => {
    const it1 = observed(100);
    const { up, down } = run((s) => s.merge(Source.from(it1.iterable)));
    await up.expectRequest();
    await down.expectNoMessageWhenIdle();
    expect(it1.reads).toBe(0);
    down.request(1);
    await down.expectNext(0);
    expect(it1.reads).toBe(1);
    await down.expectNoMessageWhenIdle();
    expect(it1.reads).toBe(1);
    down.request(2);
    await down.expectNextN([1, 2]);
    expect(it1.reads).toBe(3);
    down.cancel();
    await up.expectCancellation();
  });

  it('serves wired and inline inputs in turn (none starves another)', async () => {
    const { up, down } = run((s) => s.mergeAll([Source.range(1000, 1999), Source.from(observed(1000).iterable)]));
    await up.expectRequest();
    up.sendNext(-1);
    down.request(6);
    const got = [];
    for (let k = 0; k < 6; k++) got.push(await down.expectNext());
    // each input that has an element gets a turn before any gets a second one
    expect(new Set(got.slice(0, 3))).toEqual(new Set([-1, 1000, 0]));
    expect(got.slice(3)).toContain(1);
    expect(got.slice(3)).toContain(1001);
    down.cancel();
  });

  it('completes when every input, wired and inline, is done', async () => {
    const { up, down } = run((s) => s.mergeAll([Source.from([1, 2]), Source.single(3), Source.empty<number>()]));
    await up.expectRequest();
    down.request(10);
    const got = [await down.expectNext(), await down.expectNext(), await down.expectNext()];
    expect(got.sort()).toEqual([1, 2, 3]);
    await down.expectNoMessageWhenIdle();
    up.sendNext(7).sendComplete();
    await down.expectNext(7);
    await down.expectComplete();
  });

  it('completes when only inline inputs are left and they finish', async () => {
    const { up, down } = run((s) => s.merge(Source.from(observed(2).iterable)));
    await up.expectRequest();
    up.sendComplete();
    down.request(5);
    await down.expectNextN([0, 1]);
    await down.expectComplete();
  });

  it('eagerComplete: an inline input running out completes the stage and cancels the wired ones', async () => {
    const { up, down } = run((s) => s.merge(Source.from([1, 2]), true));
    await up.expectRequest();
    down.request(5);
    await down.expectNextN([1, 2]);
    await down.expectComplete();
    await up.expectCancellation();
  });

  it('eagerComplete: a wired input completing closes the inline iterators', async () => {
    const it1 = observed(100);
    const { up, down } = run((s) => s.merge(Source.from(it1.iterable), true));
    await up.expectRequest();
    down.request(1);
    await down.expectNext(0);
    up.sendComplete();
    await down.expectComplete();
    expect(it1.returns).toBe(1);
  });

  it('an inline iterator that throws fails the stage, cancels the wired inputs and closes the other cursors', async () => {
    const bad = observed(100, 0);
    const other = observed(100);
    const { up, down } = run((s) => s.mergeAll([Source.from(bad.iterable), Source.from(other.iterable)]));
    await up.expectRequest();
    down.request(10);
    expect(((await down.expectError()) as Error).message).toBe('boom at 0');
    await up.expectCancellation();
    expect(other.returns).toBe(1);
  });

  it('an iterable whose iterator cannot be created fails the stream', async () => {
    const broken: Iterable<number> = {
      [Symbol.iterator]() {
        throw new Error('no iterator');
      },
    };
    await expect(Source.single(1).merge(Source.from(broken)).runWith(Sink.seq())).rejects.toThrow('no iterator');
  });

  it('downstream cancelling closes every inline iterator and cancels the wired inputs', async () => {
    const a = observed(100);
    const b = observed(100);
    const { up, down } = run((s) => s.mergeAll([Source.from(a.iterable), Source.from(b.iterable)]));
    await up.expectRequest();
    down.request(1);
    await down.expectNext();
    down.cancel();
    await up.expectCancellation();
    expect([a.returns, b.returns]).toEqual([1, 1]);
  });

  it('opens a fresh cursor per materialization', async () => {
    const a = observed(3);
    const g = Source.single(10).merge(Source.from(a.iterable));
    expect((await g.runWith(Sink.seq())).sort((x, y) => x - y)).toEqual([0, 1, 2, 10]);
    expect((await g.runWith(Sink.seq())).sort((x, y) => x - y)).toEqual([0, 1, 2, 10]);
  });
});
