/** Kafka's record headers, as kafkajs delivers them (a header may repeat: then its value is an array). */
export interface RecordHeaders {
  readonly [key: string]: Buffer | string | readonly (Buffer | string)[] | undefined;
}

/** A partition of a topic. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** An offset of a partition: a start offset, or a beginning, end or committed offset (`MetadataClient`). */
export interface TopicPartitionOffset extends TopicPartition {
  /** −1 when there is none (e.g. no committed offset). */
  readonly offset: number;
}

/** Creates a `TopicPartition`. */
export function topicPartition(topic: string, partition: number): TopicPartition {
  return { topic, partition };
}

/** A record consumed from Kafka, with its key and value deserialized. Offsets and timestamps are numbers. */
export interface ConsumerRecord<K, V> {
  readonly topic: string;
  readonly partition: number;
  /** The record's offset in its partition (committing it means "everything up to and including this"). */
  readonly offset: number;
  /** Milliseconds since the epoch (create time or log-append time, as the topic is configured). */
  readonly timestamp: number;
  readonly key: K;
  readonly value: V;
  readonly headers: RecordHeaders;
}
