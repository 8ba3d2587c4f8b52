import type { StreamLogger } from '@tributary/core';
import { ConsumerSettings, Deserializers, MetadataClient } from '@tributary/kafka';
import { formatCount } from '../pipeline/format.js';
import { kafkaTopicNames } from './kafkaTopics.js';
import { publishToKafka } from './publishToKafka.js';
import { DEFAULT_GROUP, type KafkaServiceSummary, startKafkaService } from './startKafkaService.js';

/** How long the demo waits for the committed offsets to move before it gives up. */
const STALL_MS = 60_000;

export interface KafkaDemoOptions {
  readonly bootstrap: string;
  readonly records: number;
  readonly rate: number;
  readonly seed: number;
  /** Default none (see `kafkaTopicNames`). */
  readonly topicPrefix?: string;
  readonly group?: string;
  readonly print?: (line: string) => void;
  readonly logger?: StreamLogger;
  readonly progressIntervalMs?: number;
}

export interface KafkaDemoResult {
  readonly summary: KafkaServiceSummary;
  /** Records in `scored-records` at the end (at least `records`: at least once). */
  readonly scoredRecords: number;
}

/**
 * The Kafka demo on a running broker: starts the scoring service, publishes `records` generated records
 * at `rate` with the three shipped models at thirds (what `publish` does), waits until the service's
 * committed offsets reach the end of `sensor-data`, then stops it (drain, summary table).
 */
export async function runKafkaDemo(options: KafkaDemoOptions): Promise<KafkaDemoResult> {
  const { bootstrap, records, rate, seed, topicPrefix = '', group = DEFAULT_GROUP, print = console.log, logger = console, progressIntervalMs = 1000 } = options;
  const topics = kafkaTopicNames(topicPrefix);
  const run = await startKafkaService({ bootstrap, group, topicPrefix, print, logger, progressIntervalMs });
  let serviceFailure: { error: unknown } | undefined;
  run.done.catch((error: unknown) => (serviceFailure = { error }));
  const metadata = MetadataClient.create(
    ConsumerSettings.create(Deserializers.buffer, Deserializers.buffer).withBootstrapServers(bootstrap).withGroupId(group).withKafkaLogLevel('error'),
  );
  try {
    print(
      `publishing ${formatCount(records)} records (at most ${formatCount(rate)} a second) to ${topics.data}, the three shipped models to ${topics.models} at thirds`,
    );
    await publishToKafka({ bootstrap, records, seed, rate, topicPrefix });
    print(`published; waiting until every offset of ${topics.data} is committed`);
    const partitions = await metadata.getPartitionsFor(topics.data);
    const ends = await metadata.getEndOffsets(partitions);
    let lastTotal = -1;
    let lastProgressAt = Date.now();
    for (;;) {
      if (serviceFailure !== undefined) throw serviceFailure.error;
      const committed = await metadata.getCommittedOffsets(partitions);
      const byPartition = new Map(committed.map((c) => [c.partition, c.offset]));
      if (ends.every((e) => byPartition.get(e.partition) === e.offset)) break;
      const total = committed.reduce((sum, c) => sum + Math.max(c.offset, 0), 0);
      if (total !== lastTotal) [lastTotal, lastProgressAt] = [total, Date.now()];
      else if (Date.now() - lastProgressAt > STALL_MS) throw new Error(`runKafkaDemo: no offset of ${topics.data} was committed for ${STALL_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    print('every offset committed (lag 0): stopping the service');
    const summary = await run.stop();
    const scoredEnds = await metadata.getEndOffsets(await metadata.getPartitionsFor(topics.scored));
    const scoredRecords = scoredEnds.reduce((sum, e) => sum + e.offset, 0);
    print(`${topics.scored} holds ${formatCount(scoredRecords)} scored records`);
    return { summary, scoredRecords };
  } catch (e) {
    await run.stop().catch(() => {});
    throw e;
  } finally {
    await metadata.close();
  }
}
