import { Flow, Materializer, Sink, Source } from '@tributary/core';
import { FlowShape, GraphStage, type GraphStageLogic, Inlet, Outlet } from '@tributary/core/stage';
import { describe, expect, it } from 'vitest';

/** A flow whose logic cannot be created: materialization fails after the stages before it exist. */
class Exploding extends GraphStage<FlowShape<number, number>> {
  readonly in = new Inlet<number>('Exploding.in');
  readonly out = new Outlet<number>('Exploding.out');
  readonly shape = new FlowShape(this.in, this.out);
  createLogic(): GraphStageLogic {
    throw new Error('cannot create');
  }
}

describe('sub-fusing materialization', () => {
  it('a nested graph that fails half-way through materializing fails the parent, and the stream still ends', async () => {
    const mat = new Materializer({ logger: null });
    const lazy = Source.lazySource(() => Source.from([1, 2, 3]).via(Flow.fromGraph(new Exploding())));
    await expect(lazy.runWith(Sink.seq(), mat)).rejects.toThrow('cannot create');
    await new Promise((r) => setImmediate(r));
    expect(mat.runningIslands).toBe(0);
  });
});
