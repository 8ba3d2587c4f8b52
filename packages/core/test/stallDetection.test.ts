/** Opt-in stall detection: a report when a stream made no progress for N ms, naming the stage that holds it up. */

import { Flow, Materializer, Sink, Source, type StallReport } from '@tributary/core';
import { TestSink, TestSource, VirtualScheduler } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';

function detecting(afterMs: number) {
  const scheduler = new VirtualScheduler();
  const reports: StallReport[] = [];
  const mat = new Materializer({ scheduler, logger: null, stallDetection: { afterMs, onStall: (r) => reports.push(r) } });
  return { scheduler, mat, reports };
}

describe('stall detection', () => {
  it('names the stage that was asked for an element and has none to push', async () => {
    const { scheduler, mat, reports } = detecting(1000);
    Source.never<number>()
      .named('upstream-api')
      .map((x) => x)
      .to(Sink.onComplete(() => {}))
      .run(mat);
    await scheduler.advance(999);
    expect(reports).toEqual([]);
    await scheduler.advance(600);
    expect(reports).toHaveLength(1);
    const r = reports[0]!;
    expect([r.stage, r.reason]).toEqual(['upstream-api', 'demand without element']);
    expect(r.idleMs).toBeGreaterThanOrEqual(1000);
    expect(r.message).toMatch(/^stream \d+ made no progress for \d+ ms; held up by stage "upstream-api": it was asked for an element and has none to push$/);
    expect(r.snapshot.stages.map((s) => s.name)).toEqual(['upstream-api', 'map', 'onComplete']);
    mat.shutdown();
  });

  it('names the stage that does not ask for elements (no demand)', async () => {
    const { scheduler, mat, reports } = detecting(500);
    const probe = Source.repeat(1)
      .map((x) => x)
      .runWith(TestSink.probe<number>(), mat);
    probe.request(3);
    await probe.expectNextN([1, 1, 1]);
    await scheduler.advance(2000);
    expect(reports.map((r) => [r.stage, r.reason])).toEqual([['testSinkProbe', 'element without demand']]);
    mat.shutdown();
  });

  it('looks through async boundaries', async () => {
    const { scheduler, mat, reports } = detecting(500);
    Source.never<number>()
      .named('slow-source')
      .async()
      .via(Flow.create<number>().map((x) => x))
      .async()
      .to(Sink.onComplete(() => {}))
      .run(mat);
    await scheduler.advance(2000);
    expect(reports.map((r) => r.stage)).toEqual(['slow-source']);
    mat.shutdown();
  });

  it('a stage waiting for a promise holds the stream up', async () => {
    const { scheduler, mat, reports } = detecting(500);
    Source.unfoldResourceAsync(
      async () => 'conn',
      () => new Promise<number>(() => {}),
      async () => {},
    )
      .named('db-cursor')
      .to(Sink.onComplete(() => {}))
      .run(mat);
    await scheduler.advance(2000);
    expect(reports.map((r) => r.stage)).toEqual(['db-cursor']);
    mat.shutdown();
  });

  it('says nothing while a stream makes progress, reports once per stall, and again after progress', async () => {
    const { scheduler, mat, reports } = detecting(1000);
    const [up, down] = Flow.create<number>().runWith(TestSource.probe<number>(), TestSink.probe<number>(), mat);
    down.request(100);
    for (let i = 0; i < 10; i++) {
      up.sendNext(i);
      await down.expectNext(i);
      await scheduler.advance(400);
    }
    expect(reports).toEqual([]);
    await scheduler.advance(5000);
    expect(reports.map((r) => r.stage)).toEqual(['testSourceProbe']);
    up.sendNext(99);
    await down.expectNext(99);
    await scheduler.advance(5000);
    expect(reports).toHaveLength(2);
    mat.shutdown();
  });

  it('a fused source-to-sink loop (no connections) counts as progress', async () => {
    const { scheduler, mat, reports } = detecting(2);
    let finished = false;
    const done = Source.range(1, 300_000).runWith(
      Sink.fold(0, (a: number, x: number) => a + x),
      mat,
    );
    void done.then(() => (finished = true));
    expect(mat.snapshot()[0]!.stages.map((s) => s.state)).toEqual(['running']);
    while (!finished) await scheduler.advance(1);
    expect(await done).toBe((300_000 * 300_001) / 2);
    expect(reports).toEqual([]);
    mat.shutdown();
  });

  it('keeps no timer once no stream runs; none at all when it is off', async () => {
    const { scheduler, mat } = detecting(100);
    const probe = Source.never<number>().runWith(TestSink.probe<number>(), mat);
    await scheduler.advance(0);
    expect(scheduler.pendingTimers).toBe(1);
    probe.cancel();
    await scheduler.advance(200);
    expect(scheduler.pendingTimers).toBe(0);
    const s2 = new VirtualScheduler();
    const off = new Materializer({ scheduler: s2, logger: null });
    Source.never<number>().runWith(TestSink.probe<number>(), off);
    await s2.advance(1000);
    expect(s2.pendingTimers).toBe(0);
    off.shutdown();
    mat.shutdown();
  });

  it('the default report is a console.warn line; logger: null silences it', async () => {
    const original = console.warn;
    const lines: unknown[] = [];
    console.warn = (...args: unknown[]) => lines.push(args[0]);
    try {
      const scheduler = new VirtualScheduler();
      const mat = new Materializer({ scheduler, stallDetection: { afterMs: 100 } });
      Source.never<number>()
        .to(Sink.onComplete(() => {}))
        .run(mat);
      await scheduler.advance(500);
      expect(lines).toEqual([expect.stringMatching(/^\[tributary\] stream \d+ made no progress for \d+ ms; held up by stage "never"/)]);
      mat.shutdown();
      const silent = new Materializer({ scheduler, logger: null, stallDetection: { afterMs: 100 } });
      Source.never<number>()
        .to(Sink.onComplete(() => {}))
        .run(silent);
      await scheduler.advance(500);
      expect(lines).toHaveLength(1);
      silent.shutdown();
    } finally {
      console.warn = original;
    }
  });

  it('validates its settings', () => {
    expect(() => new Materializer({ stallDetection: { afterMs: 0 } })).toThrow(
      /Materializer: stallDetection.afterMs must be a positive finite number of milliseconds, got 0/,
    );
    expect(() => new Materializer({ stallDetection: { afterMs: 10, onStall: 1 as never } })).toThrow(/onStall must be a function/);
  });
});
