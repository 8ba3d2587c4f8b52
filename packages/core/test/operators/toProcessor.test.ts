import { Flow, Keep, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom } from './harness.js';

describe('Flow.toProcessor', () => {
  it('runs the flow between its subscriber and publisher sides', async () => {
    const processor = Flow.create<number>()
      .map((x) => x * 2)
      .toProcessor()
      .run();
    Source.range(1, 5).runWith(Sink.asPublisher(false)).subscribe(processor);
    expect(await Source.fromPublisher(processor).runWith(Sink.seq())).toEqual([2, 4, 6, 8, 10]);
  });

  it('each run is a new processor; failures pass through', async () => {
    const graph = Flow.create<number>().toProcessor({ fanout: true, bufferSize: 4 });
    const p1 = graph.run();
    const p2 = graph.run();
    expect(p1).not.toBe(p2);
    const e = boom();
    Source.failed<number>(e).runWith(Sink.asPublisher(false)).subscribe(p1);
    await expect(Source.fromPublisher(p1).runWith(Sink.seq())).rejects.toBe(e);
    const [sub, done] = Source.asSubscriber<number>().toMat(Sink.seq(), Keep.both).run();
    p2.subscribe(sub);
    Source.range(1, 3).runWith(Sink.asPublisher(false)).subscribe(p2);
    expect(await done).toEqual([1, 2, 3]);
  });

  it('validates bufferSize', () => {
    expect(() => Flow.create<number>().toProcessor({ bufferSize: 0 })).toThrow(/Flow.toProcessor: bufferSize must be a positive integer, got 0/);
    expect(() => Flow.create<number>().toProcessor({ bufferSize: 1.5 })).toThrow(/Flow.toProcessor: bufferSize must be a positive integer, got 1.5/);
    expect(() => Flow.create<number>().toProcessor({ bufferSize: 3 })).not.toThrow(); // any positive size
  });
});
