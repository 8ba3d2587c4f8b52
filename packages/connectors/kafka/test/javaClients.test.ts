/**
 * Interoperability with Kafka's own Java clients (kafka-tools, the broker's Maven artifacts, run with
 * `java -cp`):
 * - every record `VerifiableProducer` wrote is consumed by a committable source, and
 *   `ConsumerGroupCommand --describe` shows the group's committed offsets at the log end (lag 0);
 * - what `Producer.plainSink` wrote, `ConsoleConsumer` reads, each record once;
 * - what a transactional copy (`Transactional.source` → `Transactional.sink`) wrote, `ConsoleConsumer
 *   --isolation-level read_committed` reads exactly once — while an aborted transaction in the same topic
 *   stays invisible to it.
 */

import { Keep, Source } from '@tributary/core';
import {
  Committer,
  CommitterSettings,
  Consumer,
  DrainingControl,
  type PartitionOffset,
  Producer,
  ProducerMessage,
  Subscriptions,
  Transactional,
} from '@tributary/kafka';
import { describe, expect, it } from 'vitest';
import { KafkaTools, runKafkaTool } from '../../../../infra/kafka/tools.mjs';
import { bootstrap, client, committed, createTopic, endOffsets, eventually, produce, stringConsumer, stringProducer, unique } from './helpers.js';

const N = 5000;

/** What ConsoleConsumer prints, up to `expected` records or until no record came for `idleMs`. */
async function consoleConsumer(topic: string, expected: number, isolation: 'read_committed' | 'read_uncommitted', idleMs = 15_000): Promise<string[]> {
  const { stdout } = await runKafkaTool(
    KafkaTools.ConsoleConsumer,
    [
      '--bootstrap-server',
      bootstrap(),
      '--topic',
      topic,
      '--from-beginning',
      '--max-messages',
      String(expected),
      '--timeout-ms',
      String(idleMs),
      '--isolation-level',
      isolation,
    ],
    { allowFailure: true },
  ); // exits non-zero after the timeout when fewer than `expected` arrived
  return stdout.split('\n').filter((l) => l.length > 0 && !l.startsWith('Processed a total'));
}

describe("Kafka's Java clients", () => {
  it('VerifiableProducer → committable source; ConsumerGroupCommand shows lag 0', async () => {
    const topic = await createTopic(unique('verifiable'), 3);
    await runKafkaTool(KafkaTools.VerifiableProducer, ['--bootstrap-server', bootstrap(), '--topic', topic, '--max-messages', String(N), '--acks', '-1']);
    const group = unique('verifiable-group');
    const seen = new Set<string>();
    const control = Consumer.committableSource(stringConsumer(group), Subscriptions.topics(topic))
      .map((m) => {
        seen.add(m.record.value!);
        return m.committableOffset;
      })
      .toMat(Committer.sink(CommitterSettings.create().withMaxBatch(500).withMaxInterval(200)), DrainingControl.create)
      .run();
    await eventually(`${N} records`, () => seen.size === N, 60_000);
    await control.drainAndShutdown();
    // VerifiableProducer's values are the numbers 0 … N−1.
    expect([...seen].map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));

    const { stdout } = await runKafkaTool(KafkaTools.ConsumerGroupCommand, ['--bootstrap-server', bootstrap(), '--describe', '--group', group]);
    const rows = stdout
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((cols) => cols[1] === topic);
    // VerifiableProducer sends without keys (sticky partitioning): the partitions it wrote to are listed.
    const ends = await endOffsets(topic);
    expect(rows.map((r) => Number(r[2])).sort()).toEqual(
      [...ends]
        .filter(([, end]) => end > 0)
        .map(([p]) => p)
        .sort(),
    );
    for (const [, , partition, current, logEnd, lag] of rows) {
      expect(Number(current)).toBe(ends.get(Number(partition)));
      expect(Number(logEnd)).toBe(ends.get(Number(partition)));
      expect(lag).toBe('0');
    }
  });

  it('Producer.plainSink → ConsoleConsumer reads every record once', async () => {
    const topic = await createTopic(unique('to-java'), 3);
    await Source.range(0, N - 1)
      .map((i) => ({ topic, key: `k${i}`, value: `v${i}` }))
      .runWith(Producer.plainSink(stringProducer()));
    const lines = await consoleConsumer(topic, N, 'read_uncommitted');
    expect(lines.length).toBe(N);
    expect(new Set(lines)).toEqual(new Set(Array.from({ length: N }, (_, i) => `v${i}`)));
  });

  it('a transactional copy → ConsoleConsumer read_committed sees every record exactly once, and nothing of an aborted transaction', async () => {
    const input = await createTopic(unique('tx-in'), 2);
    const output = await createTopic(unique('tx-out'), 2);
    await produce(
      input,
      Array.from({ length: N }, (_, i) => `v${i}`),
    );
    const group = unique('tx-group');
    const [control, done] = Transactional.source(stringConsumer(group), Subscriptions.topics(input))
      .map((m) =>
        ProducerMessage.single<string | null, string | null, PartitionOffset>({ topic: output, key: m.record.key, value: m.record.value }, m.partitionOffset),
      )
      .toMat(Transactional.sink(stringProducer().withTransactionalId(unique('tx-copy'))), Keep.both)
      .run();
    const ends = await endOffsets(input);
    await eventually(
      'every input offset committed',
      async () => {
        const c = await committed(group, input);
        return [...ends].every(([p, end]) => c.get(p) === end);
      },
      60_000,
    );
    await control.shutdown();
    await done;

    // An aborted transaction of 100 records in the same topic.
    const producer = client().producer({ transactionalId: unique('aborted'), idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const tx = await producer.transaction();
    await tx.send({ topic: output, messages: Array.from({ length: 100 }, (_, i) => ({ value: `aborted${i}` })) });
    await tx.abort();
    await producer.disconnect();

    // Asking for more than there is: it stops once nothing more came for 3 s.
    const committedLines = await consoleConsumer(output, N + 100, 'read_committed', 3_000);
    expect(committedLines.length).toBe(N);
    expect(new Set(committedLines)).toEqual(new Set(Array.from({ length: N }, (_, i) => `v${i}`)));
    const allLines = await consoleConsumer(output, N + 100, 'read_uncommitted');
    expect(allLines.length).toBe(N + 100);
  });
});
