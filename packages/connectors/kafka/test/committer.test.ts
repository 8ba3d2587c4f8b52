/**
 * Committer batching, probe-tested without a broker: offsets come from `ConsumerResultFactory` with a
 * committer function the test controls; time is virtual.
 */

import { Keep, Materializer, Source } from '@tributary/core';
import { type CommitOffset, CommittableOffsetBatch, Committer, CommitterSettings, ConsumerResultFactory, Done } from '@tributary/kafka';
import { flushStreams, TestSink, TestSource, VirtualScheduler } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';

function recordingCommitter(groupId = 'g') {
  const commits: CommitOffset[][] = [];
  const waiting: { offsets: readonly CommitOffset[]; resolve: () => void; reject: (e: unknown) => void }[] = [];
  let manual = false;
  const committer = ConsumerResultFactory.committer(groupId, (offsets) => {
    commits.push([...offsets]);
    if (!manual) return Promise.resolve();
    return new Promise<void>((resolve, reject) => waiting.push({ offsets, resolve, reject }));
  });
  return {
    committer,
    commits,
    waiting,
    manual() {
      manual = true;
    },
    offset: (partition: number, offset: number, topic = 't') => ConsumerResultFactory.committableOffset(committer, topic, partition, offset),
  };
}

const setup = (settings: CommitterSettings) => {
  const scheduler = new VirtualScheduler();
  const mat = new Materializer({ scheduler, logger: null });
  const [source, sink] = TestSource.probe<ReturnType<ReturnType<typeof recordingCommitter>['offset']>>()
    .viaMat(Committer.batchFlow(settings), Keep.left)
    .toMat(TestSink.probe<CommittableOffsetBatch>(), Keep.both)
    .run(mat);
  return { scheduler, source, sink };
};

describe('Committer', () => {
  it('commits a batch when maxBatch offsets arrived, the highest offset per partition, as offset + 1', async () => {
    const c = recordingCommitter();
    const { source, sink } = setup(CommitterSettings.create().withMaxBatch(3));
    sink.request(10);
    source.sendNext(c.offset(0, 5)).sendNext(c.offset(1, 7)).sendNext(c.offset(0, 6));
    const batch = await sink.expectNext();
    expect(batch.batchSize).toBe(3);
    expect(c.commits).toEqual([
      [
        { topic: 't', partition: 0, offset: 7 },
        { topic: 't', partition: 1, offset: 8 },
      ],
    ]);
    expect(batch.offsets().map((o) => [o.key.partition, o.offset])).toEqual([
      [0, 6],
      [1, 7],
    ]);
  });

  it('commits a partial batch after maxInterval (virtual time)', async () => {
    const c = recordingCommitter();
    const { scheduler, source, sink } = setup(CommitterSettings.create().withMaxBatch(100).withMaxInterval(1000));
    sink.request(10);
    source.sendNext(c.offset(0, 1));
    await scheduler.advance(999);
    expect(c.commits).toHaveLength(0);
    await scheduler.advance(1);
    expect((await sink.expectNext()).batchSize).toBe(1);
    expect(c.commits).toEqual([[{ topic: 't', partition: 0, offset: 2 }]]);
  });

  it('flushes the partial batch when upstream completes, then completes', async () => {
    const c = recordingCommitter();
    const { source, sink } = setup(CommitterSettings.create().withMaxBatch(100));
    sink.request(10);
    source.sendNext(c.offset(0, 1)).sendNext(c.offset(0, 2)).sendComplete();
    expect((await sink.expectNext()).batchSize).toBe(2);
    await sink.expectComplete();
    expect(c.commits).toEqual([[{ topic: 't', partition: 0, offset: 3 }]]);
  });

  it('flushes the partial batch when upstream fails, then fails with the original error', async () => {
    const c = recordingCommitter();
    const { source, sink } = setup(CommitterSettings.create().withMaxBatch(100));
    sink.request(10);
    const boom = new Error('boom');
    await source.expectRequest();
    source.sendNext(c.offset(3, 41));
    await source.expectRequest();
    source.sendError(boom);
    await sink.expectError(boom);
    expect(c.commits).toEqual([[{ topic: 't', partition: 3, offset: 42 }]]);
  });

  it('fails when a commit fails', async () => {
    const c = recordingCommitter();
    c.manual();
    const { source, sink } = setup(CommitterSettings.create().withMaxBatch(1));
    sink.request(10);
    source.sendNext(c.offset(0, 1));
    await flushStreams();
    const failure = new Error('commit failed');
    c.waiting[0]!.reject(failure);
    await sink.expectError(failure);
  });

  it('keeps at most `parallelism` commits in flight and back-pressures when a full batch has to wait', async () => {
    const c = recordingCommitter();
    c.manual();
    const { source, sink } = setup(CommitterSettings.create().withMaxBatch(1).withParallelism(2));
    sink.request(10);
    expect(await source.expectRequest()).toBe(1);
    source.sendNext(c.offset(0, 1));
    await source.expectRequest();
    source.sendNext(c.offset(0, 2));
    await source.expectRequest();
    source.sendNext(c.offset(0, 3)); // a full batch, but both commit slots are taken
    await source.expectNoMessageWhenIdle();
    expect(c.commits).toHaveLength(2);
    c.waiting[0]!.resolve();
    await sink.expectNext();
    await source.expectRequest(); // the slot freed up: the waiting batch goes out, upstream is pulled again
    expect(c.commits).toHaveLength(3);
    c.waiting[1]!.resolve();
    c.waiting[2]!.resolve();
    await sink.expectNext();
    await sink.expectNext();
  });

  it('emits committed batches in order even when commits complete out of order', async () => {
    const c = recordingCommitter();
    c.manual();
    const { source, sink } = setup(CommitterSettings.create().withMaxBatch(1).withParallelism(5));
    sink.request(10);
    source.sendNext(c.offset(0, 1)).sendNext(c.offset(1, 1));
    await flushStreams();
    c.waiting[1]!.resolve();
    await sink.expectNoMessageWhenIdle();
    c.waiting[0]!.resolve();
    expect((await sink.expectNext()).offsets()[0]!.key.partition).toBe(0);
    expect((await sink.expectNext()).offsets()[0]!.key.partition).toBe(1);
  });

  it('rejects elements that are not committable offsets', async () => {
    const { source, sink } = setup(CommitterSettings.create());
    sink.request(1);
    source.sendNext({ batchSize: 1 } as never);
    const e = await sink.expectError();
    expect(String(e)).toMatch(/Committer.batchFlow: expected a CommittableOffset or CommittableOffsetBatch/);
  });

  it('Committer.flow emits Done per committed batch; Committer.sink resolves after the last commit', async () => {
    const c = recordingCommitter();
    const done = await Source.from([c.offset(0, 1), c.offset(0, 2), c.offset(0, 3)])
      .via(Committer.flow(CommitterSettings.create().withMaxBatch(2)))
      .runWith(TestSink.probe<Done>())
      .request(5);
    await done.expectNext(Done);
    await done.expectNext(Done);
    await done.expectComplete();
    const c2 = recordingCommitter();
    await Source.from([c2.offset(0, 9), CommittableOffsetBatch.of(c2.offset(1, 4), c2.offset(1, 2))]).runWith(Committer.sink());
    expect(c2.commits).toEqual([
      [
        { topic: 't', partition: 0, offset: 10 },
        { topic: 't', partition: 1, offset: 5 },
      ],
    ]);
  });

  it('commits one request per consumer when a batch mixes offsets of two sources', async () => {
    const a = recordingCommitter('ga');
    const b = recordingCommitter('gb');
    await Source.from([a.offset(0, 1), b.offset(0, 1), a.offset(1, 1)]).runWith(Committer.sink());
    expect(a.commits).toEqual([
      [
        { topic: 't', partition: 0, offset: 2 },
        { topic: 't', partition: 1, offset: 2 },
      ],
    ]);
    expect(b.commits).toEqual([[{ topic: 't', partition: 0, offset: 2 }]]);
  });

  it('CommitWhen.NextOffsetObserved commits an offset only once a higher offset of its partition passed, the rest when upstream completes', async () => {
    const c = recordingCommitter();
    const { source, sink } = setup(CommitterSettings.create().withMaxBatch(1).withCommitWhen('NextOffsetObserved'));
    sink.request(10);
    // Three elements carry offset 5 (one record fanned out); offset 5 is committed only when 6 shows up.
    source.sendNext(c.offset(0, 5)).sendNext(c.offset(0, 5)).sendNext(c.offset(1, 9)).sendNext(c.offset(0, 5));
    await sink.expectNoMessageWhenIdle();
    expect(c.commits).toEqual([]);
    source.sendNext(c.offset(0, 6));
    expect((await sink.expectNext()).offsets().map((o) => [o.key.partition, o.offset])).toEqual([[0, 5]]);
    expect(c.commits).toEqual([[{ topic: 't', partition: 0, offset: 6 }]]);
    source.sendComplete();
    const last = await sink.expectNext();
    expect(last.offsets().map((o) => [o.key.partition, o.offset])).toEqual([
      [0, 6],
      [1, 9],
    ]);
    await sink.expectComplete();
    expect(c.commits[1]).toEqual([
      { topic: 't', partition: 0, offset: 7 },
      { topic: 't', partition: 1, offset: 10 },
    ]);
  });

  it('CommitWhen.NextOffsetObserved commits the deferred offsets when upstream fails, then fails', async () => {
    const c = recordingCommitter();
    const { source, sink } = setup(CommitterSettings.create().withCommitWhen('NextOffsetObserved'));
    sink.request(10);
    await source.expectRequest();
    source.sendNext(c.offset(2, 3));
    await source.expectRequest();
    const boom = new Error('boom');
    source.sendError(boom);
    await sink.expectError(boom);
    expect(c.commits).toEqual([[{ topic: 't', partition: 2, offset: 4 }]]);
  });

  it('CommitDelivery.SendAndForget emits a batch before its commit is acknowledged, and a failed commit does not fail the stream', async () => {
    const c = recordingCommitter();
    c.manual();
    const logged: string[] = [];
    const mat = new Materializer({ scheduler: new VirtualScheduler(), logger: (message) => logged.push(message) });
    const [source, sink] = TestSource.probe<ReturnType<typeof c.offset>>()
      .viaMat(Committer.batchFlow(CommitterSettings.create().withMaxBatch(1).withParallelism(1).withDelivery('SendAndForget')), Keep.left)
      .toMat(TestSink.probe<CommittableOffsetBatch>(), Keep.both)
      .run(mat);
    sink.request(10);
    source.sendNext(c.offset(0, 1));
    expect((await sink.expectNext()).offsets()[0]!.offset).toBe(1);
    // Not acknowledged yet, and parallelism 1: with WaitForAck the next batch would have to wait.
    source.sendNext(c.offset(0, 2));
    expect((await sink.expectNext()).offsets()[0]!.offset).toBe(2);
    expect(c.commits).toHaveLength(2);
    c.waiting[0]!.reject(new Error('coordinator moved'));
    c.waiting[1]!.resolve();
    source.sendComplete();
    await sink.expectComplete();
    await flushStreams();
    expect(logged.some((m) => m.includes('Committer.batchFlow: a commit sent without waiting for its acknowledgement failed'))).toBe(true);
  });

  it('CommitDelivery.WaitForAck (the default) emits a batch only after its commit is acknowledged', async () => {
    const c = recordingCommitter();
    c.manual();
    const { source, sink } = setup(CommitterSettings.create().withMaxBatch(1));
    sink.request(10);
    source.sendNext(c.offset(0, 1));
    await sink.expectNoMessageWhenIdle();
    c.waiting[0]!.resolve();
    expect((await sink.expectNext()).offsets()[0]!.offset).toBe(1);
  });

  it('rejects bad CommitWhen and CommitDelivery values, naming the setting', () => {
    expect(() => CommitterSettings.create().withCommitWhen('sometimes' as never)).toThrow(
      'CommitterSettings.withCommitWhen: when must be one of "OffsetFirstObserved", "NextOffsetObserved", got "sometimes"',
    );
    expect(() => CommitterSettings.create().withDelivery('maybe' as never)).toThrow(
      /CommitterSettings.withDelivery: delivery must be one of "WaitForAck", "SendAndForget"/,
    );
    expect(String(CommitterSettings.create().withDelivery('SendAndForget'))).toContain('delivery=SendAndForget');
  });
});
