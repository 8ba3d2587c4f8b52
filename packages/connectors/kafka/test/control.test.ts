/**
 * The materialized Control, probe-tested against the broker: stop keeps the consumer open for commits,
 * shutdown closes it, drainAndShutdown, cancellation, metrics; and the subscriptions (assignment with
 * offsets, topic patterns) with their rebalance listener.
 */

import { Keep, Materializer, Sink } from '@tributary/core';
import {
  type CommittableMessage,
  CommittableOffsetBatch,
  Committer,
  Consumer,
  ConsumerClosedError,
  type ConsumerRecord,
  DrainingControl,
  NoopControl,
  Subscriptions,
  type TopicPartition,
} from '@tributary/kafka';
import { TestSink } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { committed, createTopic, eventually, produce, stringConsumer, unique } from './helpers.js';

type Msg = CommittableMessage<string | null, string | null>;
type Rec = ConsumerRecord<string | null, string | null>;

const quietMat = () => new Materializer({ logger: null });

async function topicWith(n: number, partitions = 1): Promise<string> {
  const topic = await createTopic(unique('ctl'), partitions);
  await produce(
    topic,
    Array.from({ length: n }, (_, i) => `v${i}`),
  );
  return topic;
}

const settled = async (p: Promise<unknown>, ms = 300): Promise<boolean> => {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setTimeout(r, ms));
  return done;
};

describe('Control', () => {
  it('emits only on demand, and stop() completes the source while its consumer stays open for commits', async () => {
    const topic = await topicWith(20);
    const group = unique('ctl-stop');
    const [control, probe] = Consumer.committableSource(stringConsumer(group), Subscriptions.topics(topic))
      .toMat(TestSink.probe<Msg>({ timeoutMs: 20_000 }), Keep.both)
      .run();
    probe.request(2);
    const first = await probe.expectNext();
    const second = await probe.expectNext();
    await probe.expectNoMessage(200);
    expect(control.metrics().recordsEmitted).toBe(2);
    await control.stop();
    await probe.expectComplete();
    // The consumer is still open: the offsets emitted before stop() can be committed.
    expect(await settled(control.isShutdown)).toBe(false);
    await CommittableOffsetBatch.of(first.committableOffset, second.committableOffset)._commit();
    expect(await committed(group, topic)).toEqual(new Map([[0, 2]]));
    await control.shutdown();
    await control.isShutdown;
    // Committing through a closed consumer fails clearly.
    await expect(CommittableOffsetBatch.of(second.committableOffset)._commit()).rejects.toBeInstanceOf(ConsumerClosedError);
  });

  it('shutdown() completes the stream and closes the consumer', async () => {
    const topic = await topicWith(5);
    const [control, done] = Consumer.plainSource(stringConsumer(unique('ctl-shutdown')), Subscriptions.topics(topic))
      .toMat(Sink.seq<Rec>(), Keep.both)
      .run();
    await eventually('assigned', () => control.metrics().assignedPartitions.length === 1, 20_000);
    await control.shutdown();
    expect((await done).length).toBeLessThanOrEqual(5);
    await control.isShutdown;
  });

  it('drainAndShutdown resolves with the completion value and shuts down; with a failed completion it rejects', async () => {
    const topic = await topicWith(10);
    const control = Consumer.committableSource(stringConsumer(unique('ctl-drain')), Subscriptions.topics(topic))
      .map((m) => m.committableOffset)
      .toMat(Committer.sink(), DrainingControl.create)
      .run();
    await eventually('records emitted', () => control.metrics().recordsEmitted === 10, 20_000);
    await expect(control.drainAndShutdown()).resolves.toBeUndefined();
    await control.isShutdown;

    const [c2] = Consumer.plainSource(stringConsumer(unique('ctl-drain2')), Subscriptions.topics(topic))
      .toMat(Sink.ignore(), Keep.both)
      .run();
    const boom = new Error('downstream failed');
    await expect(c2.drainAndShutdown(Promise.reject(boom))).rejects.toBe(boom);
    await c2.isShutdown;
    await expect(NoopControl.drainAndShutdown(Promise.resolve(7))).resolves.toBe(7);
  });

  it('downstream cancellation stops the source and closes its consumer', async () => {
    const topic = await topicWith(100);
    const [control, values] = Consumer.plainSource(stringConsumer(unique('ctl-cancel')), Subscriptions.topics(topic))
      .take(3)
      .toMat(Sink.seq<Rec>(), Keep.both)
      .run();
    expect((await values).map((r) => r.value)).toEqual(['v0', 'v1', 'v2']);
    await control.isShutdown;
  });

  it('a failing stream closes its consumer too', async () => {
    const topic = await topicWith(10);
    const [control, done] = Consumer.plainSource(stringConsumer(unique('ctl-fail')), Subscriptions.topics(topic))
      .map((r) => {
        if (r.offset === 3) throw new Error('processing failed');
        return r;
      })
      .toMat(Sink.ignore(), Keep.both)
      .run(quietMat());
    await expect(done).rejects.toThrow('processing failed');
    await control.isShutdown;
  });
});

describe('Subscriptions against the broker', () => {
  it('assignmentWithOffset reads exactly the given partition from the given offset', async () => {
    const topic = await topicWith(3000, 3);
    const [control, probe] = Consumer.plainSource(stringConsumer(unique('ctl-assign')), Subscriptions.assignmentWithOffset({ topic, partition: 1, offset: 5 }))
      .toMat(TestSink.probe<Rec>({ timeoutMs: 20_000 }), Keep.both)
      .run();
    probe.request(3);
    const got = [await probe.expectNext(), await probe.expectNext(), await probe.expectNext()];
    expect(got.map((r) => [r.partition, r.offset])).toEqual([
      [1, 5],
      [1, 6],
      [1, 7],
    ]);
    expect(control.metrics().assignedPartitions).toEqual([{ topic, partition: 1 }]);
    probe.cancel();
    await control.isShutdown;
  });

  it('topicPattern subscribes to the matching topics; the rebalance listener sees assign and stop', async () => {
    const prefix = unique('pat');
    const a = await createTopic(`${prefix}-a`, 1);
    const b = await createTopic(`${prefix}-b`, 1);
    await createTopic(`${prefix}x-c`, 1);
    await produce(a, ['a1']);
    await produce(b, ['b1']);
    await produce(`${prefix}x-c`, ['c1']);
    const assigned: TopicPartition[] = [];
    const stopped: TopicPartition[] = [];
    const [control, values] = Consumer.plainSource(
      stringConsumer(unique('ctl-pattern')),
      Subscriptions.topicPattern(`${prefix}-.*`).withRebalanceListener({ onAssign: (tps) => assigned.push(...tps), onStop: (tps) => stopped.push(...tps) }),
    )
      .take(2)
      .map((r) => r.value)
      .toMat(Sink.seq(), Keep.both)
      .run();
    expect((await values).sort()).toEqual(['a1', 'b1']);
    await control.isShutdown;
    expect(assigned.map((tp) => tp.topic).sort()).toEqual([a, b]);
    expect(stopped.map((tp) => tp.topic).sort()).toEqual([a, b]);
  });
});
