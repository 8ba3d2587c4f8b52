import { Flow, Sink, Source } from '@tributary/core';
import { TestSink, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';

describe('probes drive demand', () => {
  it('map emits only what was requested', async () => {
    const probe = Source.range(1, 10)
      .map((x) => x * 2)
      .runWith(TestSink.probe<number>());
    probe.request(2);
    await probe.expectNext(2);
    await probe.expectNext(4);
    await probe.expectNoMessageWhenIdle();
    probe.request(1);
    await probe.expectNext(6);
    probe.cancel();
  });

  it('a flow between two probes passes demand up and elements down', async () => {
    const [up, down] = Flow.create<number>()
      .map((x) => x + 1)
      .runWith(TestSource.probe<number>(), TestSink.probe<number>());
    down.request(1);
    expect(await up.expectRequest()).toBe(1);
    up.sendNext(1);
    await down.expectNext(2);
    await up.expectNoMessageWhenIdle();
    up.sendComplete();
    await down.expectComplete();
  });

  it('cancellation travels upstream', async () => {
    const [up, down] = Flow.create<number>().take(1).runWith(TestSource.probe<number>(), TestSink.probe<number>());
    down.request(5);
    await up.expectRequest();
    up.sendNext(7);
    await down.expectNext(7);
    await down.expectComplete();
    await up.expectCancellation();
  });

  it('errors travel downstream', async () => {
    const boom = new Error('boom');
    const [up, down] = Flow.create<number>()
      .map((x) => x)
      .runWith(TestSource.probe<number>(), TestSink.probe<number>());
    down.request(1);
    up.sendError(boom);
    expect(await down.expectError()).toBe(boom);
  });

  it('seq works', async () => {
    expect(await Source.range(1, 3).runWith(Sink.seq())).toEqual([1, 2, 3]);
  });
});
