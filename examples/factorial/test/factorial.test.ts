import { Sink } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { factorials, printFactorials } from '../src/factorial.js';

describe('factorial example', () => {
  it('computes 0!..10!', async () => {
    const fs = await factorials(10).runWith(Sink.seq());
    expect(fs.map(String)).toEqual(['1', '1', '2', '6', '24', '120', '720', '5040', '40320', '362880', '3628800']);
  });

  it('prints one line per factorial', async () => {
    const lines: string[] = [];
    await printFactorials(5, (l) => lines.push(l));
    expect(lines).toEqual(['0! = 1', '1! = 1', '2! = 2', '3! = 6', '4! = 24', '5! = 120']);
  });

  it('handles big numbers exactly', async () => {
    const last = await factorials(30).runWith(Sink.last());
    expect(last).toBe(265252859812191058636308480000000n);
  });
});

describe('factorial example, zipped and throttled', () => {
  it('emits one line per second in virtual time', async () => {
    const { Materializer } = await import('@tributary/core');
    const { TestSink, VirtualScheduler } = await import('@tributary/testkit');
    const { throttledFactorialLines } = await import('../src/factorial.js');
    const scheduler = new VirtualScheduler();
    const probe = throttledFactorialLines(3, 1).runWith(TestSink.probe<string>(), new Materializer({ scheduler }));
    probe.request(10);
    await probe.expectNext('0! = 1'); // the bucket starts full: the first line goes at once
    await probe.expectNoMessageWhenIdle();
    await scheduler.advance(1000);
    await probe.expectNext('1! = 1');
    await scheduler.advance(1000);
    await probe.expectNext('2! = 2');
    await scheduler.advance(1000);
    await probe.expectNext('3! = 6');
    await probe.expectComplete();
  });
});
