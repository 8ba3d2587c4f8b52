import { Flow, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';

describe('intersperse', () => {
  it('emits one element per demand, separators included', async () => {
    const [up, down] = probe(Flow.create<string>().intersperse('[', ',', ']'));
    down.request(1);
    up.sendNextN(['a', 'b']);
    await down.expectNext('[');
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext('a');
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext(',');
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext('b');
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 2);
    down.cancel();
  });

  it('injects between elements only (one argument)', async () => {
    expect(await Source.from(['a', 'b', 'c']).intersperse(',').runWith(Sink.seq())).toEqual(['a', ',', 'b', ',', 'c']);
  });

  it('with start and end (doc example)', async () => {
    expect(await Source.from(['a', 'b']).intersperse('[', ',', ']').runWith(Sink.seq())).toEqual(['[', 'a', ',', 'b', ']']);
  });

  it('a single element gets no separator', async () => {
    expect(await Source.single('a').intersperse(',').runWith(Sink.seq())).toEqual(['a']);
    expect(await Source.single('a').intersperse('[', ',', ']').runWith(Sink.seq())).toEqual(['[', 'a', ']']);
  });

  it('an empty stream emits start and end', async () => {
    expect(await Source.empty<string>().intersperse('[', ',', ']').runWith(Sink.seq())).toEqual(['[', ']']);
  });

  it('an empty stream with one argument emits nothing', async () => {
    expect(await Source.empty<string>().intersperse(',').runWith(Sink.seq())).toEqual([]);
  });

  it('an empty stream: start and end are emitted on demand, then completion', async () => {
    const [up, down] = probe(Flow.create<string>().intersperse('[', ',', ']'));
    up.sendComplete();
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext('[');
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext(']');
    await down.expectComplete();
  });

  it('end waits for demand after upstream completes', async () => {
    const [up, down] = probe(Flow.create<string>().intersperse('[', ',', ']'));
    down.request(2);
    up.sendNext('a').sendComplete();
    await down.expectNextN(['[', 'a']);
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext(']');
    await down.expectComplete();
  });

  it('propagates upstream completion (one argument)', async () => {
    const [up, down] = probe(Flow.create<string>().intersperse(','));
    down.request(5);
    up.sendNextN(['a', 'b']).sendComplete();
    await down.expectNextN(['a', ',', 'b']);
    await down.expectComplete();
  });

  it('propagates upstream failure with the original error object', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<string>().intersperse('[', ',', ']'));
    down.request(2);
    up.sendNext('a');
    await down.expectNextN(['[', 'a']);
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('propagates downstream cancellation upstream', async () => {
    const [up, down] = probe(Flow.create<string>().intersperse(','));
    down.request(1);
    await up.expectRequest();
    down.cancel();
    await up.expectCancellation();
  });
});
