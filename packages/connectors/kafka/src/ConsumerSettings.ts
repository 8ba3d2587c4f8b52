import { consoleKafkaLogger } from './internal/kafkaLog.js';
import { requireFunction, requireMillis, requireNonEmptyString, requireOneOf, requirePositiveInt } from './internal/validate.js';
import { defaultRetryPolicy } from './KafkaClientOptions.js';
import { type KafkaClientProps, KafkaClientSettings } from './KafkaClientSettings.js';
import type { Deserializer } from './Serialization.js';
import { Deserializers } from './Serialization.js';

export type AutoOffsetReset = 'earliest' | 'latest';
export type IsolationLevel = 'read_uncommitted' | 'read_committed';

interface Props<K, V> extends KafkaClientProps {
  readonly groupId: string | undefined;
  readonly keyDeserializer: Deserializer<K>;
  readonly valueDeserializer: Deserializer<V>;
  readonly autoOffsetReset: AutoOffsetReset;
  readonly isolationLevel: IsolationLevel;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly fetchMaxWaitMs: number;
  readonly fetchMinBytes: number;
  readonly fetchMaxBytes: number;
  readonly maxPartitionFetchBytes: number;
  readonly maxBufferedRecordsPerPartition: number;
  readonly maxBufferedBytesPerPartition: number;
  readonly commitTimeoutMs: number;
  readonly stopTimeoutMs: number;
}

const W = 'ConsumerSettings';

/**
 * Immutable settings of a Kafka consumer source (Alpakka's `ConsumerSettings`). Start from
 * `ConsumerSettings.create(keyDeserializer, valueDeserializer)` and refine with the `withX` methods;
 * each returns a new instance and rejects bad values at once with an error naming the setting.
 *
 * Defaults follow the Kafka Java client where kafkajs differs (offset reset `latest`, isolation
 * `read_uncommitted`, fetch max wait 500 ms).
 *
 * @example
 * const settings = ConsumerSettings.create(Deserializers.string, Deserializers.json<Order>())
 *   .withBootstrapServers('127.0.0.1:9092')
 *   .withGroupId('orders')
 *   .withAutoOffsetReset('earliest');
 */
export class ConsumerSettings<K, V> extends KafkaClientSettings<Props<K, V>> {
  private constructor(props: Props<K, V>) {
    super(props, W);
  }

  /** Settings with the given deserializers and every other value at its default. */
  static create<K, V>(keyDeserializer: Deserializer<K>, valueDeserializer: Deserializer<V>): ConsumerSettings<K, V> {
    requireFunction(`${W}.create`, 'keyDeserializer', keyDeserializer);
    requireFunction(`${W}.create`, 'valueDeserializer', valueDeserializer);
    return new ConsumerSettings<K, V>({
      bootstrapServers: [],
      clientId: 'tributary',
      groupId: undefined,
      keyDeserializer,
      valueDeserializer,
      autoOffsetReset: 'latest',
      isolationLevel: 'read_uncommitted',
      sessionTimeoutMs: 30_000,
      heartbeatIntervalMs: 3_000,
      rebalanceTimeoutMs: 60_000,
      fetchMaxWaitMs: 500,
      fetchMinBytes: 1,
      fetchMaxBytes: 10 * 1024 * 1024,
      maxPartitionFetchBytes: 1024 * 1024,
      maxBufferedRecordsPerPartition: 16_384,
      maxBufferedBytesPerPartition: 4 * 1024 * 1024,
      commitTimeoutMs: 15_000,
      stopTimeoutMs: 30_000,
      connectionTimeoutMs: 3_000,
      requestTimeoutMs: 30_000,
      retry: defaultRetryPolicy,
      kafkaLogLevel: 'warn',
      logger: consoleKafkaLogger,
      connectionConfig: {},
    });
  }

  /** Raw bytes for key and value. */
  static bytes(): ConsumerSettings<Buffer | null, Buffer | null> {
    return ConsumerSettings.create(Deserializers.buffer, Deserializers.buffer);
  }

  protected override with(patch: Partial<Props<K, V>>): this {
    return new ConsumerSettings<K, V>({ ...this.props, ...patch }) as this;
  }

  get groupId(): string | undefined {
    return this.props.groupId;
  }
  get keyDeserializer(): Deserializer<K> {
    return this.props.keyDeserializer;
  }
  get valueDeserializer(): Deserializer<V> {
    return this.props.valueDeserializer;
  }
  get autoOffsetReset(): AutoOffsetReset {
    return this.props.autoOffsetReset;
  }
  get isolationLevel(): IsolationLevel {
    return this.props.isolationLevel;
  }
  get sessionTimeoutMs(): number {
    return this.props.sessionTimeoutMs;
  }
  get heartbeatIntervalMs(): number {
    return this.props.heartbeatIntervalMs;
  }
  get rebalanceTimeoutMs(): number {
    return this.props.rebalanceTimeoutMs;
  }
  get fetchMaxWaitMs(): number {
    return this.props.fetchMaxWaitMs;
  }
  get fetchMinBytes(): number {
    return this.props.fetchMinBytes;
  }
  get fetchMaxBytes(): number {
    return this.props.fetchMaxBytes;
  }
  get maxPartitionFetchBytes(): number {
    return this.props.maxPartitionFetchBytes;
  }
  get maxBufferedRecordsPerPartition(): number {
    return this.props.maxBufferedRecordsPerPartition;
  }
  get maxBufferedBytesPerPartition(): number {
    return this.props.maxBufferedBytesPerPartition;
  }
  get commitTimeoutMs(): number {
    return this.props.commitTimeoutMs;
  }
  get stopTimeoutMs(): number {
    return this.props.stopTimeoutMs;
  }

  /** The consumer group; offsets are always committed for a group. Required by all but plain sources. */
  withGroupId(groupId: string): ConsumerSettings<K, V> {
    return this.with({ groupId: requireNonEmptyString(`${W}.withGroupId`, 'groupId', groupId) });
  }

  withKeyDeserializer<K2>(keyDeserializer: Deserializer<K2>): ConsumerSettings<K2, V> {
    requireFunction(`${W}.withKeyDeserializer`, 'keyDeserializer', keyDeserializer);
    return new ConsumerSettings<K2, V>({ ...this.props, keyDeserializer });
  }

  withValueDeserializer<V2>(valueDeserializer: Deserializer<V2>): ConsumerSettings<K, V2> {
    requireFunction(`${W}.withValueDeserializer`, 'valueDeserializer', valueDeserializer);
    return new ConsumerSettings<K, V2>({ ...this.props, valueDeserializer });
  }

  /** Where a group without a committed offset starts: `'earliest'` or `'latest'` (default). */
  withAutoOffsetReset(reset: AutoOffsetReset): ConsumerSettings<K, V> {
    return this.with({ autoOffsetReset: requireOneOf(`${W}.withAutoOffsetReset`, 'autoOffsetReset', reset, ['earliest', 'latest']) });
  }

  /** `'read_committed'` hides records of open and aborted transactions (transactional sources force it). */
  withIsolationLevel(level: IsolationLevel): ConsumerSettings<K, V> {
    return this.with({ isolationLevel: requireOneOf(`${W}.withIsolationLevel`, 'isolationLevel', level, ['read_uncommitted', 'read_committed']) });
  }

  withSessionTimeout(ms: number): ConsumerSettings<K, V> {
    return this.with({ sessionTimeoutMs: requireMillis(`${W}.withSessionTimeout`, 'sessionTimeoutMs', ms) });
  }

  /** How often the consumer heartbeats to the group coordinator; must be below the session timeout. */
  withHeartbeatInterval(ms: number): ConsumerSettings<K, V> {
    return this.with({ heartbeatIntervalMs: requireMillis(`${W}.withHeartbeatInterval`, 'heartbeatIntervalMs', ms) });
  }

  withRebalanceTimeout(ms: number): ConsumerSettings<K, V> {
    return this.with({ rebalanceTimeoutMs: requireMillis(`${W}.withRebalanceTimeout`, 'rebalanceTimeoutMs', ms) });
  }

  /** How long the broker may hold a fetch when less than `fetchMinBytes` is available. */
  withFetchMaxWait(ms: number): ConsumerSettings<K, V> {
    return this.with({ fetchMaxWaitMs: requireMillis(`${W}.withFetchMaxWait`, 'fetchMaxWaitMs', ms, true) });
  }

  withFetchMinBytes(bytes: number): ConsumerSettings<K, V> {
    return this.with({ fetchMinBytes: requirePositiveInt(`${W}.withFetchMinBytes`, 'fetchMinBytes', bytes) });
  }

  withFetchMaxBytes(bytes: number): ConsumerSettings<K, V> {
    return this.with({ fetchMaxBytes: requirePositiveInt(`${W}.withFetchMaxBytes`, 'fetchMaxBytes', bytes) });
  }

  withMaxPartitionFetchBytes(bytes: number): ConsumerSettings<K, V> {
    return this.with({ maxPartitionFetchBytes: requirePositiveInt(`${W}.withMaxPartitionFetchBytes`, 'maxPartitionFetchBytes', bytes) });
  }

  /**
   * The prefetch bound: at most this many records of one partition are held between Kafka and the
   * stream's demand. When a partition's buffer is full the consumer stops taking records from it
   * (the fetch loop waits, or the partition is paused), so memory stays bounded. Default 16 384; with
   * large records `maxBufferedBytesPerPartition` (4 MiB) is the bound that is reached first.
   */
  withMaxBufferedRecordsPerPartition(n: number): ConsumerSettings<K, V> {
    return this.with({ maxBufferedRecordsPerPartition: requirePositiveInt(`${W}.withMaxBufferedRecordsPerPartition`, 'maxBufferedRecordsPerPartition', n) });
  }

  /**
   * The prefetch bound in bytes (keys, values and headers): at most this many bytes of one partition's
   * records are held between Kafka and the stream's demand, whichever of the two bounds is reached first
   * (default 4 MiB). A single record larger than the bound still passes, alone.
   */
  withMaxBufferedBytesPerPartition(bytes: number): ConsumerSettings<K, V> {
    return this.with({ maxBufferedBytesPerPartition: requirePositiveInt(`${W}.withMaxBufferedBytesPerPartition`, 'maxBufferedBytesPerPartition', bytes) });
  }

  /** How long a commit may take, retries during rebalances included, before it fails with `CommitTimeoutError`. */
  withCommitTimeout(ms: number): ConsumerSettings<K, V> {
    return this.with({ commitTimeoutMs: requireMillis(`${W}.withCommitTimeout`, 'commitTimeoutMs', ms) });
  }

  /**
   * How long the Kafka consumer stays open after its source stopped while committers downstream may still
   * commit through it (Alpakka's `stop-timeout`). It closes earlier once those committers have finished.
   * 0 closes it at once (fine with `DrainingControl`).
   */
  withStopTimeout(ms: number): ConsumerSettings<K, V> {
    return this.with({ stopTimeoutMs: requireMillis(`${W}.withStopTimeout`, 'stopTimeoutMs', ms, true) });
  }

  /**
   * Checks the settings as a whole before a source is built from them; `op` names the factory in the
   * error (`Consumer.committableSource: ConsumerSettings.groupId is required ...`).
   * @internal
   */
  _validate(op: string, requireGroupId: boolean): void {
    const p = this.props;
    if (p.bootstrapServers.length === 0) {
      throw new TypeError(`${op}: ConsumerSettings.bootstrapServers is not set (use withBootstrapServers('host:port'))`);
    }
    if (requireGroupId && p.groupId === undefined) {
      throw new TypeError(`${op}: ConsumerSettings.groupId is required (use withGroupId(...)): offsets are committed for a consumer group`);
    }
    if (p.heartbeatIntervalMs >= p.sessionTimeoutMs) {
      throw new RangeError(`${op}: ConsumerSettings.heartbeatIntervalMs (${p.heartbeatIntervalMs}) must be below sessionTimeoutMs (${p.sessionTimeoutMs})`);
    }
  }

  override toString(): string {
    const p = this.props;
    return (
      `ConsumerSettings(bootstrapServers=${p.bootstrapServers.join(',')}, clientId=${p.clientId}, groupId=${p.groupId ?? '-'}, ` +
      `autoOffsetReset=${p.autoOffsetReset}, isolationLevel=${p.isolationLevel}, sessionTimeoutMs=${p.sessionTimeoutMs}, ` +
      `heartbeatIntervalMs=${p.heartbeatIntervalMs}, maxBufferedRecordsPerPartition=${p.maxBufferedRecordsPerPartition}, ` +
      `maxBufferedBytesPerPartition=${p.maxBufferedBytesPerPartition}, ` +
      `commitTimeoutMs=${p.commitTimeoutMs}, stopTimeoutMs=${p.stopTimeoutMs}, sasl=${p.connectionConfig.sasl ? '***' : '-'})`
    );
  }
}
