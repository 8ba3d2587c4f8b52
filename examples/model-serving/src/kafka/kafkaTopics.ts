import { ConsumerSettings, Deserializers, MetadataClient } from '@tributary/kafka';

/** The topics of the Kafka mode: records in, model documents in, scored records out. */
export interface KafkaTopicNames {
  readonly data: string;
  readonly models: string;
  readonly scored: string;
}

export const KAFKA_TOPICS: KafkaTopicNames = Object.freeze({
  data: 'sensor-data',
  models: 'models',
  scored: 'scored-records',
});

/**
 * The topic names with `prefix` in front (`--topic-prefix`): several independent deployments — or test
 * runs — on one cluster.
 */
export function kafkaTopicNames(prefix = ''): KafkaTopicNames {
  if (typeof prefix !== 'string' || /[^a-zA-Z0-9._-]/.test(prefix)) {
    throw new TypeError(`kafkaTopicNames: prefix may only contain letters, digits, '.', '_' and '-', got ${JSON.stringify(prefix)}`);
  }
  return { data: prefix + KAFKA_TOPICS.data, models: prefix + KAFKA_TOPICS.models, scored: prefix + KAFKA_TOPICS.scored };
}

/**
 * Partitions of `sensor-data` and `scored-records` when this example creates them: six, so that up to
 * six service instances in one consumer group share the records. `models` has one partition: every
 * instance reads all of it, in order.
 */
export const DEFAULT_PARTITIONS = 6;

/**
 * Creates the topics of the Kafka mode that do not exist yet (existing ones are left as they are) with
 * kafkajs' admin client through `MetadataClient`; resolves with the names it created.
 */
export async function ensureKafkaTopics(bootstrap: string, partitions: number = DEFAULT_PARTITIONS, topics: KafkaTopicNames = KAFKA_TOPICS): Promise<string[]> {
  if (!Number.isSafeInteger(partitions) || partitions <= 0) throw new RangeError(`ensureKafkaTopics: partitions must be a positive integer, got ${partitions}`);
  const metadata = MetadataClient.create(
    ConsumerSettings.create(Deserializers.buffer, Deserializers.buffer).withBootstrapServers(bootstrap).withKafkaLogLevel('error'),
  );
  try {
    try {
      return await metadata.createTopics([
        { topic: topics.data, numPartitions: partitions },
        { topic: topics.models, numPartitions: 1 },
        { topic: topics.scored, numPartitions: partitions },
      ]);
    } catch (e) {
      // Instances started together race to create the topics: losing that race is fine.
      const existing = await metadata.listTopics();
      if ([topics.data, topics.models, topics.scored].every((t) => existing.has(t))) return [];
      throw e;
    }
  } finally {
    await metadata.close();
  }
}
