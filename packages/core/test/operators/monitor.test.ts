import { AbruptTerminationException, Flow, type FlowMonitor, Keep, Materializer, Sink, Source } from '@tributary/core';
import { TestSink, TestSource } from '@tributary/testkit';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { boom } from './harness.js';

describe('monitor', () => {
  it('reports initialized, then the latest element, then finished', async () => {
    const [[up, mon], down] = TestSource.probe<string>().monitor(Keep.both).toMat(TestSink.probe<string>(), Keep.both).run();
    expect(mon.state).toEqual({ kind: 'initialized' });
    down.request(2);
    await up.expectRequest();
    up.sendNext('a');
    await down.expectNext('a');
    expect(mon.state).toEqual({ kind: 'received', element: 'a' });
    up.sendNext('b');
    await down.expectNext('b');
    expect(mon.state).toEqual({ kind: 'received', element: 'b' });
    up.sendComplete();
    await down.expectComplete();
    expect(mon.state).toEqual({ kind: 'finished' });
  });

  it('reports the failure cause', async () => {
    const e = boom();
    const [mon, done] = Source.failed<number>(e)
      .monitor()
      .toMat(Sink.ignore(), Keep.both)
      .run(new Materializer({ logger: null }));
    await done.catch(() => {});
    expect(mon.state).toEqual({ kind: 'failed', cause: e });
  });

  it('downstream cancellation without failure is finished', async () => {
    const [mon, done] = Source.repeat(1).monitor().take(1).toMat(Sink.ignore(), Keep.both).run();
    await done;
    expect(mon.state.kind).toBe('finished');
  });

  it('materializer shutdown is a failure (AbruptTerminationException)', async () => {
    const mat = new Materializer({ logger: null });
    const mon = Source.never<number>()
      .monitor()
      .to(Sink.onComplete(() => {}))
      .run(mat);
    await new Promise((r) => setTimeout(r, 10));
    mat.shutdown();
    const s = mon.state;
    expect(s.kind).toBe('failed');
    if (s.kind === 'failed') expect(s.cause).toBeInstanceOf(AbruptTerminationException);
  });

  it('types: Flow and combine', () => {
    expectTypeOf(Flow.create<number>().monitor()).toEqualTypeOf<Flow<number, number, FlowMonitor<number>>>();
    expectTypeOf(Source.single('x').monitor((_m, mon) => mon)).toEqualTypeOf<Source<string, FlowMonitor<string>>>();
  });
});
