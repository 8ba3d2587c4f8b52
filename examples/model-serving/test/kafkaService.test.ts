/**
 * The Kafka-mode service in process, on the real broker: records and models published to the topics are
 * scored, records that are not valid are skipped and counted with
 * their offsets still committed (a later record of the partition covers them), and `stop()` drains,
 * commits to the end and releases every socket and timer it opened.
 */
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { ScoredRecord } from '../src/domain/ScoredRecord.js';
import { kafkaTopicNames } from '../src/kafka/kafkaTopics.js';
import { publishToKafka } from '../src/kafka/publishToKafka.js';
import { startKafkaService } from '../src/kafka/startKafkaService.js';
import { bootstrap, committedOffsets, endOffsets, eventually, readValues, unique } from './kafkaHarness.js';
import { RecordingLogger } from './scoringProbes.js';

const N = 900;

const handles = (): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts;
};

describe('model serving on Kafka: the service in process', () => {
  it('scores published records with the published models, skips bad records, drains, commits to the end and closes everything', async () => {
    const prefix = `${unique('service')}.`;
    const topics = kafkaTopicNames(prefix);
    const group = unique('model-serving');
    const before = handles();
    await publishToKafka({ bootstrap: bootstrap(), records: N, seed: 5, topicPrefix: prefix, partitions: 3 });
    // Bad records on partition 0, each followed by a good one (whose committed offset covers it).
    const producer = new Kafka({ clientId: 'model-serving-test', brokers: [bootstrap()], logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const good = JSON.stringify({ deviceId: 'extra', ts: Date.now(), temperature: 70, vibration: 0.3, pressure: 30, rpm: 1500, label: 0 });
    await producer.send({
      topic: topics.data,
      messages: ['{"deviceId": oops', good, '[1,2]', good, JSON.stringify({ deviceId: 'x' }), good].map((value) => ({ value, partition: 0 })),
    });
    await producer.disconnect();

    const lines: string[] = [];
    const logger = new RecordingLogger();
    const run = await startKafkaService({
      bootstrap: bootstrap(),
      group,
      topicPrefix: prefix,
      sessionTimeoutMs: 6000,
      print: (l) => lines.push(l),
      logger,
      progressIntervalMs: 200,
    });
    const ends = await endOffsets(topics.data);
    await eventually('every offset committed', async () => {
      const committed = await committedOffsets(group, topics.data);
      return [...ends].every(([p, o]) => committed.get(p) === o);
    });
    const summary = await run.stop();
    expect(await run.stop()).toBe(summary); // idempotent

    expect(summary.stats.scored + summary.stats.unscored).toBe(N + 3);
    expect(summary.stats.badRecords).toBe(3);
    expect(summary.stats.badRecordsByKind).toEqual({ unparseable: 1, 'not-an-object': 1, 'missing-field': 1 });
    expect(summary.stats.modelsAccepted).toBe(3);
    expect(summary.table).toMatch(/903 records out in .*: .* scored, .* unscored, 3 bad records skipped; models: 3 accepted, 0 rejected/);
    expect(logger.lines.filter((l) => l.message.includes('skipped a bad record of'))).toHaveLength(3);
    expect(lines.some((l) => /^\[\d+\.\d s\] .* scored .* lag \d+ · partitions \[[\d,]*\]/.test(l))).toBe(true);

    const scored = (await readValues(topics.scored)).map((v) => JSON.parse(v) as ScoredRecord);
    expect(scored).toHaveLength(N + 3);
    const modelNames = new Set(scored.flatMap((s) => (s.model === null ? [] : [s.model.name])));
    expect([...modelNames].every((name) => ['basic-logistic', 'full-logistic', 'boosted-trees'].includes(name))).toBe(true);
    // The last model published is the one in use at the end (which records it scored depends on how the
    // data and model topics interleave, so only the stage's current model is asserted).
    expect(run.scoring.current()?.name).toBe('boosted-trees');

    // Every client the service opened is closed: no more sockets or timers than before it started.
    await eventually(
      'the service released its sockets and timers',
      () => {
        const after = handles();
        return ['TCPSocketWrap', 'Timeout'].every((kind) => (after.get(kind) ?? 0) <= (before.get(kind) ?? 0));
      },
      10_000,
      () => JSON.stringify([...handles()]),
    );
  });
});
