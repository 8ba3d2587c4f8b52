/**
 * At-least-once: 100 000 records through committableSource → Committer, the consuming stream killed and
 * restarted twice mid-way:
 * - kill 1: a kill switch behind the source aborts the stream inside a `RestartSource`, which restarts it;
 * - kill 2: the materializer running everything is shut down (every stage stops at once, nothing is
 *   flushed — like a crash), and the stream is materialized again.
 * Every record is seen at least once, and in the end every offset is committed.
 */

import { Keep, KillSwitches, Materializer, RestartSettings, RestartSource, Sink } from '@tributary/core';
import { Committer, CommitterSettings, Consumer, Subscriptions } from '@tributary/kafka';
import { describe, expect, it } from 'vitest';
import { committed, createTopic, endOffsets, eventually, produce, stringConsumer, unique } from './helpers.js';

const N = 100_000;

describe('at-least-once with kills and restarts', () => {
  it('sees every one of 100 000 records at least once and commits them all', async () => {
    const topic = await createTopic(unique('alo'), 4);
    await produce(
      topic,
      Array.from({ length: N }, (_, i) => `v${i}`),
    );
    const group = unique('alo-group');
    const settings = stringConsumer(group).withMaxBufferedRecordsPerPartition(2000);
    const committer = CommitterSettings.create().withMaxBatch(1000).withMaxInterval(100);

    const seen = new Uint8Array(N);
    let distinct = 0;
    let deliveries = 0;
    const pipeline = RestartSource.onFailuresWithBackoff(RestartSettings.create(100, 1_000, 0.2), () =>
      Consumer.committableSource(settings, Subscriptions.topics(topic))
        .viaMat(KillSwitches.single(), Keep.both)
        .map((msg) => {
          const i = Number(msg.record.value!.slice(1));
          deliveries++;
          if (seen[i] !== 1) {
            seen[i] = 1;
            distinct++;
          }
          return msg.committableOffset;
        })
        .via(Committer.flow(committer)),
    ).toMat(Sink.ignore(), Keep.both);

    // Kill 1 at ~30 %: the kill switch fails the inner stream; RestartSource starts a new one.
    const mat1 = new Materializer({ logger: null });
    const [handle1, done1] = pipeline.run(mat1);
    done1.catch(() => undefined);
    await eventually('30 % of the records', () => distinct >= 0.3 * N, 60_000);
    handle1.latest()![1].abort(new Error('kill 1'));
    await eventually('the restarted stream', () => handle1.materializations === 2, 30_000);
    // Kill 2 at ~65 %: everything stops at once; the stream is materialized again.
    await eventually('65 % of the records', () => distinct >= 0.65 * N, 60_000);
    mat1.shutdown();
    await handle1.latest()![0].isShutdown;
    const [handle2, done2] = pipeline.run(new Materializer({ logger: null }));
    await eventually('every record', () => distinct === N, 90_000);
    await handle2.latest()![0].drainAndShutdown(done2);

    expect(distinct).toBe(N);
    expect(deliveries).toBeGreaterThanOrEqual(N);
    expect(await committed(group, topic)).toEqual(await endOffsets(topic));
    console.log(`at-least-once: ${N} records, ${deliveries} deliveries (${deliveries - N} re-delivered after the kills)`);
  });
});
