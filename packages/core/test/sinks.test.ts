import { NoSuchElementError, Sink, Source } from '@tributary/core';
import { settle, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom } from './operators/harness.js';

describe('Sink.foreach', () => {
  it('calls f for each element in order and resolves on completion', async () => {
    const seen: number[] = [];
    const done = Source.range(1, 4).runWith(Sink.foreach((x: number) => seen.push(x)));
    await expect(done).resolves.toBeUndefined();
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('requests one element at a time from upstream', async () => {
    const seen: number[] = [];
    const [up, done] = TestSource.probe<number>()
      .toMat(
        Sink.foreach((x: number) => seen.push(x)),
        (l, r) => [l, r] as const,
      )
      .run();
    expect(await up.expectRequest()).toBe(1);
    await up.expectNoMessageWhenIdle();
    up.sendNext(1);
    expect(await up.expectRequest()).toBe(1);
    up.sendNext(2).sendComplete();
    await done;
    expect(seen).toEqual([1, 2]);
  });

  it('rejects with the original error when the stream fails', async () => {
    const e = boom();
    const seen: number[] = [];
    const [up, done] = TestSource.probe<number>()
      .toMat(
        Sink.foreach((x: number) => seen.push(x)),
        (l, r) => [l, r] as const,
      )
      .run();
    up.sendNext(1).sendError(e);
    await expect(done).rejects.toBe(e);
  });
});

describe('Sink.fold', () => {
  it('resolves with the final accumulation', async () => {
    expect(await Source.from(['a', 'b', 'c']).runWith(Sink.fold('>', (acc: string, x: string) => acc + x))).toBe('>abc');
  });

  it('resolves with zero for an empty stream', async () => {
    expect(await Source.empty<number>().runWith(Sink.fold(9, (a: number, x: number) => a + x))).toBe(9);
  });

  it('rejects with the original error when the stream fails', async () => {
    const e = boom();
    await expect(Source.failed<number>(e).runWith(Sink.fold(0, (a: number, x: number) => a + x))).rejects.toBe(e);
  });

  it('each materialization starts from zero', async () => {
    const sink = Sink.fold(0, (a: number, x: number) => a + x);
    expect(await Source.range(1, 3).runWith(sink)).toBe(6);
    expect(await Source.range(1, 3).runWith(sink)).toBe(6);
  });
});

describe('Sink.reduce', () => {
  it('resolves with the reduction (first element as start)', async () => {
    expect(await Source.from(['a', 'b', 'c']).runWith(Sink.reduce((a: string, x: string) => a + x))).toBe('abc');
    expect(await Source.single(7).runWith(Sink.reduce((a: number, x: number) => a + x))).toBe(7);
  });

  it('rejects with NoSuchElementError on an empty stream', async () => {
    const p = Source.empty<number>().runWith(Sink.reduce((a: number, x: number) => a + x));
    await expect(p).rejects.toBeInstanceOf(NoSuchElementError);
    await expect(p).rejects.toThrow(/reduce/);
  });

  it('rejects with the original error when the stream fails', async () => {
    const e = boom();
    await expect(Source.failed<number>(e).runWith(Sink.reduce((a: number, x: number) => a + x))).rejects.toBe(e);
  });
});

describe('Sink.head / Sink.headOption', () => {
  it('head resolves with the first element and cancels upstream', async () => {
    const [up, p] = TestSource.probe<number>()
      .toMat(Sink.head<number>(), (l, r) => [l, r] as const)
      .run();
    expect(await up.expectRequest()).toBe(1);
    up.sendNext(1).sendNext(2);
    expect(await p).toBe(1);
    await up.expectCancellation();
  });

  it('head rejects with NoSuchElementError on an empty stream', async () => {
    await expect(Source.empty<number>().runWith(Sink.head())).rejects.toBeInstanceOf(NoSuchElementError);
  });

  it('head rejects with the original error when the stream fails first', async () => {
    const e = boom();
    await expect(Source.failed<number>(e).runWith(Sink.head())).rejects.toBe(e);
  });

  it('headOption resolves with the first element and cancels upstream', async () => {
    const [up, p] = TestSource.probe<string>()
      .toMat(Sink.headOption<string>(), (l, r) => [l, r] as const)
      .run();
    up.sendNext('first').sendNext('second');
    expect(await p).toBe('first');
    await up.expectCancellation();
  });

  it('headOption resolves with undefined on an empty stream', async () => {
    await expect(Source.empty<number>().runWith(Sink.headOption())).resolves.toBeUndefined();
  });

  it('headOption rejects with the original error when the stream fails', async () => {
    const e = boom();
    await expect(Source.failed<number>(e).runWith(Sink.headOption())).rejects.toBe(e);
  });
});

describe('Sink.last / Sink.lastOption', () => {
  it('last resolves with the last element', async () => {
    expect(await Source.range(1, 5).runWith(Sink.last())).toBe(5);
    expect(await Source.single('only').runWith(Sink.last())).toBe('only');
  });

  it('last resolves only when upstream completes', async () => {
    const [up, p] = TestSource.probe<number>()
      .toMat(Sink.last<number>(), (l, r) => [l, r] as const)
      .run();
    let settled = false;
    void p.then(() => (settled = true));
    up.sendNextN([1, 2]);
    await up.expectRequest();
    await up.expectRequest();
    await up.expectRequest();
    expect(settled).toBe(false);
    up.sendComplete();
    expect(await p).toBe(2);
  });

  it('last rejects with NoSuchElementError on an empty stream', async () => {
    await expect(Source.empty<number>().runWith(Sink.last())).rejects.toBeInstanceOf(NoSuchElementError);
  });

  it('last rejects with the original error when the stream fails', async () => {
    const e = boom();
    const [up, p] = TestSource.probe<number>()
      .toMat(Sink.last<number>(), (l, r) => [l, r] as const)
      .run();
    up.sendNext(1).sendError(e);
    await expect(p).rejects.toBe(e);
  });

  it('lastOption resolves with the last element, or undefined on an empty stream', async () => {
    expect(await Source.range(1, 3).runWith(Sink.lastOption())).toBe(3);
    await expect(Source.empty<number>().runWith(Sink.lastOption())).resolves.toBeUndefined();
  });

  it('lastOption rejects with the original error when the stream fails', async () => {
    const e = boom();
    await expect(Source.failed<number>(e).runWith(Sink.lastOption())).rejects.toBe(e);
  });
});

describe('Sink.seq', () => {
  it('resolves with all elements in order', async () => {
    expect(await Source.from(['c', 'a', 'b']).runWith(Sink.seq())).toEqual(['c', 'a', 'b']);
  });

  it('resolves with [] for an empty stream', async () => {
    expect(await Source.empty<number>().runWith(Sink.seq())).toEqual([]);
  });

  it('rejects with the original error when the stream fails (no partial result)', async () => {
    const e = boom();
    const [up, p] = TestSource.probe<number>()
      .toMat(Sink.seq<number>(), (l, r) => [l, r] as const)
      .run();
    up.sendNextN([1, 2]).sendError(e);
    await expect(p).rejects.toBe(e);
  });

  it('each materialization has its own array', async () => {
    const sink = Sink.seq<number>();
    const a = await Source.range(1, 2).runWith(sink);
    const b = await Source.range(1, 2).runWith(sink);
    expect(a).not.toBe(b);
    expect(a).toEqual([1, 2]);
    expect(b).toEqual([1, 2]);
  });
});

describe('Sink.ignore', () => {
  it('consumes everything and resolves on completion', async () => {
    const [up, p] = TestSource.probe<number>()
      .toMat(Sink.ignore(), (l, r) => [l, r] as const)
      .run();
    for (let i = 0; i < 3; i++) {
      expect(await up.expectRequest()).toBe(1);
      up.sendNext(i);
    }
    await up.expectRequest();
    up.sendComplete();
    await expect(p).resolves.toBeUndefined();
  });

  it('rejects with the original error when the stream fails', async () => {
    const e = boom();
    await expect(Source.failed(e).runWith(Sink.ignore())).rejects.toBe(e);
  });
});

describe('Sink.cancelled', () => {
  it('cancels upstream immediately, without requesting anything', async () => {
    const up = TestSource.probe<number>().to(Sink.cancelled()).run();
    await up.expectCancellation();
    expect(up.pending).toBe(0);
  });

  it('a source run into it is never read', async () => {
    let produced = 0;
    const gen = function* (): Generator<number> {
      for (;;) yield ++produced;
    };
    Source.from(gen()).runWith(Sink.cancelled());
    await settle();
    expect(produced).toBe(0);
  });
});

describe('Sink.onComplete', () => {
  it('calls the callback without an error when the stream completes', async () => {
    const args = await new Promise<unknown[]>((resolve) => {
      Source.range(1, 3).runWith(Sink.onComplete((...a: unknown[]) => resolve(a)));
    });
    expect(args.filter((a) => a !== undefined)).toEqual([]);
  });

  it('calls the callback with the original error when the stream fails', async () => {
    const e = boom();
    const err = await new Promise<unknown>((resolve) => {
      Source.failed(e).runWith(Sink.onComplete((error) => resolve(error)));
    });
    expect(err).toBe(e);
  });

  it('consumes all elements before reporting completion', async () => {
    const [up, calls] = (() => {
      const calls: unknown[][] = [];
      const up = TestSource.probe<number>()
        .to(Sink.onComplete((...a: unknown[]) => calls.push(a)))
        .run();
      return [up, calls] as const;
    })();
    expect(await up.expectRequest()).toBe(1);
    up.sendNext(1);
    expect(await up.expectRequest()).toBe(1);
    expect(calls).toEqual([]);
    up.sendComplete();
    await settle();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.filter((a) => a !== undefined)).toEqual([]);
  });

  it('is called exactly once on failure', async () => {
    const e = boom();
    const calls: unknown[] = [];
    const up = TestSource.probe<number>()
      .to(Sink.onComplete((err) => calls.push(err)))
      .run();
    await up.expectRequest();
    up.sendError(e);
    await settle();
    expect(calls).toEqual([e]);
  });
});
