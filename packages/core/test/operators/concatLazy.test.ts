import { Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probe2 } from '../graph/harness.js';

describe('concatLazy', () => {
  it('emits this stream, then the other', async () => {
    expect(
      await Source.from([1, 2])
        .concatLazy(Source.from([3, 4]))
        .runWith(Sink.seq()),
    ).toEqual([1, 2, 3, 4]);
  });

  it('pulls the other input only after this one completed, and only on demand', async () => {
    const { a, b, down } = probe2<number, number, number>((x, y) => x.concatLazy(y));
    await b.expectNoMessageWhenIdle();
    await a.expectNoMessageWhenIdle(); // nothing pulled before demand
    down.request(1);
    await a.expectRequest();
    a.sendNext(1);
    await down.expectNext(1);
    a.sendComplete();
    await b.expectNoMessageWhenIdle(); // no demand yet
    down.request(1);
    await b.expectRequest();
    b.sendNext(2).sendComplete();
    await down.expectNext(2);
    await down.expectComplete();
  });

  it('materializes the other source right away (wrap it in lazySource to defer that)', async () => {
    let materialized = 0;
    const other = Source.single(2).mapMaterializedValue(() => materialized++);
    const { down } = probe2<number, number, number>((x) => x.concatLazy(other));
    await down.expectNoMessageWhenIdle();
    expect(materialized).toBe(1);
    down.cancel();
  });

  it('fails with this stream’s error without pulling the other', async () => {
    const e = boom();
    const { a, b, down } = probe2<number, number, number>((x, y) => x.concatLazy(y));
    down.request(1);
    a.sendError(e);
    expect(await down.expectError()).toBe(e);
    await b.expectCancellation();
  });
});
