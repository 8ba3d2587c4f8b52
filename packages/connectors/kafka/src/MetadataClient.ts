/**
 * Kafka metadata outside streams (Alpakka's `MetadataClient`): topics and their partitions, beginning /
 * end / committed offsets, offsets for times, and creating topics. One kafkajs admin client, connected on
 * the first call and disconnected by `close()`; every call fails after `timeoutMs` with an error naming it.
 *
 * @example
 * const metadata = MetadataClient.create(consumerSettings); // its group id is used for committed offsets
 * await metadata.createTopics([{ topic: 'orders', numPartitions: 6 }]);
 * const ends = await metadata.getEndOffsets(await metadata.getPartitionsFor('orders'));
 * await metadata.close();
 */
import type { Admin, Kafka } from 'kafkajs';
import type { TopicPartition, TopicPartitionOffset } from './ConsumerRecord.js';
import type { ConsumerSettings } from './ConsumerSettings.js';
import { createKafka } from './internal/clients.js';
import { describeValue, requireFiniteNonNegativeInt, requireMillis, requireNonEmptyString, requirePositiveInt } from './internal/validate.js';

/** A partition with its leader and replicas (broker node ids). */
export interface PartitionInfo extends TopicPartition {
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly inSyncReplicas: readonly number[];
}

/** A topic to create. Without `replicationFactor` / `numPartitions` the broker's defaults apply. */
export interface NewTopic {
  readonly topic: string;
  readonly numPartitions?: number;
  readonly replicationFactor?: number;
  /** Topic configuration, e.g. `{ 'cleanup.policy': 'compact', 'retention.ms': '86400000' }`. */
  readonly config?: Readonly<Record<string, string>>;
}

const NAME = 'MetadataClient';

export class MetadataClient {
  private kafka: Kafka | null = null;
  private admin: Promise<Admin> | null = null;
  private closed = false;

  private constructor(
    private readonly settings: ConsumerSettings<unknown, unknown>,
    readonly timeoutMs: number,
  ) {}

  /** A client on the brokers of `settings`; its group id (if set) is the one `getCommittedOffsets` asks about. */
  static create<K, V>(settings: ConsumerSettings<K, V>, options: { readonly timeoutMs?: number } = {}): MetadataClient {
    if (settings === null || typeof settings !== 'object' || typeof (settings as { _validate?: unknown })._validate !== 'function') {
      throw new TypeError(`${NAME}.create: settings must be ConsumerSettings, got ${describeValue(settings)}`);
    }
    settings._validate(`${NAME}.create`, false);
    const timeoutMs = requireMillis(`${NAME}.create`, 'timeoutMs', options.timeoutMs ?? 10_000);
    return new MetadataClient(settings as ConsumerSettings<unknown, unknown>, timeoutMs);
  }

  /** Every topic (internal ones excluded) with its partitions. */
  listTopics(): Promise<Map<string, PartitionInfo[]>> {
    return this.call('listTopics', async (admin) => {
      const names = (await admin.listTopics()).filter((t) => !t.startsWith('__'));
      const result = new Map<string, PartitionInfo[]>();
      if (names.length === 0) return result;
      for (const t of (await admin.fetchTopicMetadata({ topics: names })).topics) result.set(t.name, partitionsOf(t.name, t.partitions));
      return result;
    });
  }

  /** The partitions of `topic`, in partition order; fails if the topic does not exist. */
  getPartitionsFor(topic: string): Promise<PartitionInfo[]> {
    requireNonEmptyString(`${NAME}.getPartitionsFor`, 'topic', topic);
    return this.call('getPartitionsFor', async (admin) => {
      const [t] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      return partitionsOf(topic, t!.partitions);
    });
  }

  /** The first offset still in the log of each partition. */
  getBeginningOffsets(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    return this.perTopic('getBeginningOffsets', partitions, async (admin, topic) => {
      return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.low)]));
    });
  }

  /** The log end offset (the offset the next record will get) of each partition. */
  getEndOffsets(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    return this.perTopic('getEndOffsets', partitions, async (admin, topic) => {
      return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
    });
  }

  /** The consumer group's committed offset (next offset to read) of each partition; −1 where there is none. */
  getCommittedOffsets(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    const groupId = this.settings.groupId;
    if (groupId === undefined) return Promise.reject(new TypeError(`${NAME}.getCommittedOffsets: ConsumerSettings.groupId is required (use withGroupId(...))`));
    return this.perTopic('getCommittedOffsets', partitions, async (admin, topic) => {
      const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return new Map(t!.partitions.map((p) => [p.partition, Number(p.offset)]));
    });
  }

  /**
   * For each partition, the offset of the first record whose timestamp is at or after `timestamp`
   * (milliseconds since the epoch) — the log end offset when there is none (as kafkajs reports it).
   */
  getOffsetsForTimes(partitions: readonly TopicPartition[], timestamp: number): Promise<TopicPartitionOffset[]> {
    requireFiniteNonNegativeInt(`${NAME}.getOffsetsForTimes`, 'timestamp', timestamp);
    return this.perTopic('getOffsetsForTimes', partitions, async (admin, topic) => {
      return new Map((await admin.fetchTopicOffsetsByTimestamp(topic, timestamp)).map((p) => [p.partition, Number(p.offset)]));
    });
  }

  /**
   * Creates the topics that do not exist yet and waits until their partitions have leaders; resolves with
   * the names of those it created (existing topics are left as they are).
   */
  createTopics(topics: readonly NewTopic[]): Promise<string[]> {
    const where = `${NAME}.createTopics`;
    if (!Array.isArray(topics) || topics.length === 0)
      throw new TypeError(`${where}: topics must be a non-empty array of { topic, numPartitions?, replicationFactor?, config? }, got ${describeValue(topics)}`);
    const configs = topics.map((t) => {
      if (t === null || typeof t !== 'object') throw new TypeError(`${where}: expected { topic, numPartitions?, ... }, got ${describeValue(t)}`);
      requireNonEmptyString(where, 'topic', t.topic);
      if (t.numPartitions !== undefined) requirePositiveInt(where, 'numPartitions', t.numPartitions);
      if (t.replicationFactor !== undefined) requirePositiveInt(where, 'replicationFactor', t.replicationFactor);
      return {
        topic: t.topic,
        ...(t.numPartitions !== undefined ? { numPartitions: t.numPartitions } : {}),
        ...(t.replicationFactor !== undefined ? { replicationFactor: t.replicationFactor } : {}),
        ...(t.config !== undefined ? { configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value: String(value) })) } : {}),
      };
    });
    return this.call('createTopics', async (admin) => {
      const existing = new Set(await admin.listTopics());
      const missing = configs.filter((c) => !existing.has(c.topic));
      if (missing.length === 0) return [];
      await admin.createTopics({ topics: missing, waitForLeaders: true });
      return missing.map((c) => c.topic);
    });
  }

  /** Disconnects (calls after it fail). Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const admin = this.admin;
    this.admin = null;
    if (admin !== null) await (await admin.catch(() => null))?.disconnect();
  }

  private connect(): Promise<Admin> {
    this.admin ??= (async () => {
      const kafka = (this.kafka ??= createKafka(this.settings));
      const admin = kafka.admin();
      try {
        await admin.connect();
      } catch (e) {
        this.admin = null;
        throw e;
      }
      return admin;
    })();
    return this.admin;
  }

  private call<T>(op: string, f: (admin: Admin) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`${NAME}.${op}: the client is closed`));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${NAME}.${op}: no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    return Promise.race([this.connect().then(f), timeout]).finally(() => clearTimeout(timer));
  }

  /** Asks per topic (kafkajs' admin API is per topic) and answers in the order of `partitions`. */
  private perTopic(
    op: string,
    partitions: readonly TopicPartition[],
    ask: (admin: Admin, topic: string) => Promise<Map<number, number>>,
  ): Promise<TopicPartitionOffset[]> {
    if (!Array.isArray(partitions))
      return Promise.reject(new TypeError(`${NAME}.${op}: partitions must be an array of { topic, partition }, got ${describeValue(partitions)}`));
    for (const tp of partitions) {
      requireNonEmptyString(`${NAME}.${op}`, 'topic', tp?.topic);
      requireFiniteNonNegativeInt(`${NAME}.${op}`, 'partition', tp.partition);
    }
    return this.call(op, async (admin) => {
      const byTopic = new Map<string, Map<number, number>>();
      for (const topic of new Set(partitions.map((tp) => tp.topic))) byTopic.set(topic, await ask(admin, topic));
      return partitions.map((tp) => {
        const offset = byTopic.get(tp.topic)!.get(tp.partition);
        if (offset === undefined) throw new RangeError(`${NAME}.${op}: topic ${tp.topic} has no partition ${tp.partition}`);
        return { topic: tp.topic, partition: tp.partition, offset };
      });
    });
  }
}

function partitionsOf(topic: string, ps: readonly { partitionId: number; leader: number; replicas: number[]; isr: number[] }[]): PartitionInfo[] {
  return ps
    .map((p) => ({ topic, partition: p.partitionId, leader: p.leader, replicas: [...p.replicas], inSyncReplicas: [...p.isr] }))
    .sort((a, b) => a.partition - b.partition);
}
