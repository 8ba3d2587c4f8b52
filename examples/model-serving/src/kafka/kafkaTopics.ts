import { ConsumerSettings, Deserializers, MetadataClient } from '@tributary/kafka';

/** The topics of the Kafka mode: records in, model documents in, scored records out. */
export const KAFKA_TOPICS = {
  data: 'sensor-data',
  models: 'models',
  scored: 'scored-records',
} as const;

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
export async function ensureKafkaTopics(bootstrap: string, partitions: number = DEFAULT_PARTITIONS): Promise<string[]> {
  if (!Number.isSafeInteger(partitions) || partitions <= 0) throw new RangeError(`ensureKafkaTopics: partitions must be a positive integer, got ${partitions}`);
  const metadata = MetadataClient.create(ConsumerSettings.create(Deserializers.buffer, Deserializers.buffer).withBootstrapServers(bootstrap).withKafkaLogLevel('error'));
  try {
    return await metadata.createTopics([
      { topic: KAFKA_TOPICS.data, numPartitions: partitions },
      { topic: KAFKA_TOPICS.models, numPartitions: 1 },
      { topic: KAFKA_TOPICS.scored, numPartitions: partitions },
    ]);
  } finally {
    await metadata.close();
  }
}
