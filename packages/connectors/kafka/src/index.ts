/**
 * `@tributary/kafka` — Apache Kafka for Tributary streams, on kafkajs, in the manner of Alpakka Kafka:
 * consumer sources with back-pressure reaching Kafka, batched committing, producer flows and sinks, and
 * exactly-once transactional pipelines.
 *
 * @module @tributary/kafka
 */
export { ConsumerSettings, type AutoOffsetReset, type IsolationLevel } from './ConsumerSettings.js';
export { ProducerSettings, type Acks, type Compression } from './ProducerSettings.js';
export { CommitterSettings, CommitWhen, CommitDelivery } from './CommitterSettings.js';
export { defaultRetryPolicy, type RetryPolicy, type KafkaLogLevel, type KafkaConnectionConfig } from './KafkaClientOptions.js';
export { Deserializers, Serializers, type Deserializer, type Serializer, type DeserializationContext } from './Serialization.js';
export { topicPartition, type ConsumerRecord, type RecordHeaders, type TopicPartition, type TopicPartitionOffset } from './ConsumerRecord.js';
export {
  Subscriptions,
  TopicSubscription,
  TopicPatternSubscription,
  AssignmentSubscription,
  type Subscription,
  type AutoSubscription,
  type ManualSubscription,
  type RebalanceListener,
  type RestrictedConsumer,
} from './Subscriptions.js';
export {
  CommittableOffsetBatch,
  type Committable,
  type CommittableOffset,
  type CommittableOffsetMetadata,
  type CommittableMessage,
  type TransactionalMessage,
  type PartitionOffset,
  type GroupTopicPartition,
} from './ConsumerMessage.js';
export {
  ProducerMessage,
  type ProducerRecord,
  type Envelope,
  type Message,
  type MultiMessage,
  type PassThroughMessage,
  type Results,
  type Result,
  type MultiResult,
  type MultiResultPart,
  type PassThroughResult,
  type RecordMetadata,
} from './ProducerMessage.js';
export { DrainingControl, NoopControl, type Control, type ConsumerMetrics, type PartitionMetrics } from './Control.js';
export { Consumer } from './Consumer.js';
export { Committer, Done } from './Committer.js';
export { Producer } from './Producer.js';
export { SendProducer, ProducerClosedError } from './SendProducer.js';
export { Transactional } from './Transactional.js';
export { MetadataClient, type PartitionInfo, type NewTopic } from './MetadataClient.js';
export { ConsumerResultFactory, ConsumerControlFactory, type CommitFunction, type CommitOffset } from './ConsumerResultFactory.js';
export { ProducerResultFactory } from './ProducerResultFactory.js';
export { KafkaDeserializationError, KafkaSerializationError, CommitTimeoutError, ConsumerClosedError } from './errors.js';
