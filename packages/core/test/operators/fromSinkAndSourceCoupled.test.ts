import { Flow, Keep, Materializer, NotUsed, Sink, Source } from '@tributary/core';
import { type TestPublisherProbe, TestSink, TestSource, type TestSubscriberProbe } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom } from './harness.js';

interface Rig {
  /** Feeds the coupled flow from outside. */
  readonly up: TestPublisherProbe<number>;
  /** The flow's inner sink: receives what `up` sends. */
  readonly sink: TestSubscriberProbe<number>;
  /** The flow's inner source: what it sends comes out at `down`. */
  readonly source: TestPublisherProbe<string>;
  /** Consumes the coupled flow's output. */
  readonly down: TestSubscriberProbe<string>;
}

function rig(mat: Materializer = Materializer.default): Rig {
  const flow = Flow.fromSinkAndSourceCoupledMat(TestSink.probe<number>(), TestSource.probe<string>(), Keep.both);
  const [[up, [sink, source]], down] = TestSource.probe<number>().viaMat(flow, Keep.both).toMat(TestSink.probe<string>(), Keep.both).run(mat);
  return { up, sink, source, down };
}

const quiet = () => new Materializer({ logger: null });

describe('Flow.fromSinkAndSourceCoupled', () => {
  it('passes elements both ways, each side at the pace of its own demand', async () => {
    const { up, sink, source, down } = rig();
    sink.request(2);
    expect(await up.expectRequest()).toBe(1);
    up.sendNext(1);
    expect(await sink.expectNext()).toBe(1);
    expect(await up.expectRequest()).toBe(1);
    up.sendNext(2);
    await sink.expectNext(2);
    await up.expectNoMessageWhenIdle();

    await source.expectNoMessageWhenIdle();
    down.request(1);
    expect(await source.expectRequest()).toBe(1);
    source.sendNext('a');
    await down.expectNext('a');
    await source.expectNoMessageWhenIdle();
    down.cancel();
  });

  it("the flow's upstream completing completes the sink, cancels the source and completes downstream", async () => {
    const { up, sink, source, down } = rig();
    sink.request(1);
    await up.expectRequest();
    up.sendComplete();
    await sink.expectComplete();
    await source.expectCancellation();
    await down.expectComplete();
  });

  it("the flow's upstream failing fails the sink and downstream with the same error and cancels the source", async () => {
    const e = boom();
    const { up, sink, source, down } = rig(quiet());
    up.sendError(e);
    expect(await sink.expectError()).toBe(e);
    await source.expectCancellation();
    expect(await down.expectError()).toBe(e);
  });

  it("the flow's downstream cancelling completes the sink and cancels the source and the flow's upstream", async () => {
    const { up, sink, source, down } = rig();
    down.cancel();
    await sink.expectComplete();
    await source.expectCancellation();
    await up.expectCancellation();
  });

  it('the source completing completes the sink and downstream and cancels the upstream', async () => {
    const { up, sink, source, down } = rig();
    down.request(5);
    await source.expectRequest();
    source.sendNext('last').sendComplete();
    await down.expectNext('last');
    await down.expectComplete();
    await sink.expectComplete();
    await up.expectCancellation();
  });

  it('the source failing fails the sink and downstream with the same error and cancels the upstream', async () => {
    const e = boom();
    const { up, sink, source, down } = rig(quiet());
    source.sendError(e);
    expect(await down.expectError()).toBe(e);
    expect(await sink.expectError()).toBe(e);
    await up.expectCancellation();
  });

  it('the sink cancelling cancels the source and the upstream and completes downstream', async () => {
    const { up, sink, source, down } = rig();
    sink.cancel();
    await source.expectCancellation();
    await up.expectCancellation();
    await down.expectComplete();
  });

  it('a sink cancelling because it failed fails downstream with that failure', async () => {
    const e = boom('sink broke');
    const { up, sink, source, down } = rig(quiet());
    sink.cancel(e);
    expect(await down.expectError()).toBe(e);
    expect(await source.expectCancellation()).toBe(e);
    expect(await up.expectCancellation()).toBe(e);
  });

  it('ends a stream whose other side would never end (unlike the uncoupled fromSinkAndSource)', async () => {
    const [received, outputs] = Source.never<number>()
      .viaMat(Flow.fromSinkAndSourceCoupledMat(Sink.seq<number>(), Source.from(['x', 'y']), Keep.left), Keep.right)
      .toMat(Sink.seq<string>(), Keep.both)
      .run();
    expect(await outputs).toEqual(['x', 'y']);
    expect(await received).toEqual([]);
  });

  it('a sink that finishes early (head) ends the source side too', async () => {
    const [first, rest] = Source.from([1, 2, 3])
      .viaMat(Flow.fromSinkAndSourceCoupledMat(Sink.head<number>(), Source.never<string>(), Keep.left), Keep.right)
      .toMat(Sink.seq<string>(), Keep.both)
      .run();
    expect(await first).toBe(1);
    expect(await rest).toEqual([]);
  });

  it('fromSinkAndSourceCoupled keeps no materialized value; the Mat variant combines both', async () => {
    const plain = Flow.fromSinkAndSourceCoupled(Sink.ignore<number>(), Source.single('a'));
    expect(Source.single(1).viaMat(plain, Keep.right).to(Sink.ignore()).run()).toBe(NotUsed);
    const both = Flow.fromSinkAndSourceCoupledMat(
      Sink.seq<number>(),
      Source.single('a').mapMaterializedValue(() => 'src'),
      Keep.both,
    );
    const [[sunk, tag], out] = Source.from([1, 2]).viaMat(both, Keep.right).toMat(Sink.seq<string>(), Keep.both).run();
    expect(tag).toBe('src');
    expect(await out).toEqual(['a']);
    // The source completing after its one element completes the sink, whatever arrived until then.
    expect(Array.isArray(await sunk)).toBe(true);
  });

  it('can be materialized many times; runs share nothing', async () => {
    const flow = Flow.fromSinkAndSourceCoupledMat(Sink.seq<number>(), Source.from(['a']), Keep.left);
    const runs = [1, 2, 3].map(() => Source.never<number>().viaMat(flow, Keep.right).toMat(Sink.seq<string>(), Keep.both).run());
    for (const [sunk, out] of runs) {
      expect(await out).toEqual(['a']);
      expect(await sunk).toEqual([]);
    }
  });

  it('rejects arguments that are not a sink, a source and a function', () => {
    expect(() => Flow.fromSinkAndSourceCoupled(Source.single(1) as never, Source.single(1))).toThrow(
      'Flow.fromSinkAndSourceCoupledMat: sink must be a Sink (a graph with a SinkShape), got SourceShape',
    );
    expect(() => Flow.fromSinkAndSourceCoupled(Sink.ignore(), null as never)).toThrow(
      'Flow.fromSinkAndSourceCoupledMat: source must be a Source (a graph with a SourceShape), got null',
    );
    expect(() => Flow.fromSinkAndSourceCoupledMat(Sink.ignore(), Source.single(1), 'both' as never)).toThrow(
      'Flow.fromSinkAndSourceCoupledMat: combine must be a function, got "both"',
    );
  });
});
