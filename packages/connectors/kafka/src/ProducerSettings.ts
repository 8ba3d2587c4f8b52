import { consoleKafkaLogger } from './internal/kafkaLog.js';
import { requireBoolean, requireFunction, requireMillis, requireNonEmptyString, requireOneOf, requirePositiveInt } from './internal/validate.js';
import { defaultRetryPolicy } from './KafkaClientOptions.js';
import { type KafkaClientProps, KafkaClientSettings } from './KafkaClientSettings.js';
import type { Serializer } from './Serialization.js';
import { Serializers } from './Serialization.js';

/** Acknowledgements the leader waits for: -1 (all in-sync replicas), 1 (leader only) or 0 (none). */
export type Acks = -1 | 0 | 1;
/**
 * How record batches are compressed. `gzip` is kafkajs' own; `snappy`, `lz4` and `zstd` are codecs this
 * package registers with kafkajs (pure JavaScript and WebAssembly, no native build), in the framing Kafka's
 * Java client uses, so either side can read what the other wrote.
 */
export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
export const compressions: readonly Compression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

interface Props<K, V> extends KafkaClientProps {
  readonly keySerializer: Serializer<K>;
  readonly valueSerializer: Serializer<V>;
  readonly acks: Acks;
  readonly compression: Compression;
  readonly idempotent: boolean;
  readonly parallelism: number;
  readonly maxBatchRecords: number;
  readonly maxBatchBytes: number;
  readonly produceTimeoutMs: number;
  readonly transactionalId: string | undefined;
  readonly transactionTimeoutMs: number;
  readonly eosCommitIntervalMs: number;
}

const W = 'ProducerSettings';

/**
 * Immutable settings of a Kafka producer stage (Alpakka's `ProducerSettings`).
 *
 * kafkajs sends one request per `send` call; the producer stages therefore batch for it: records that
 * arrive while a request is in flight are sent together in the next one (at most `maxBatchRecords`
 * records and `maxBatchBytes` bytes), and at most `parallelism` records are ever unacknowledged (the
 * stage back-pressures beyond that).
 *
 * @example
 * const settings = ProducerSettings.create(Serializers.string, Serializers.json<Order>())
 *   .withBootstrapServers('127.0.0.1:9092');
 */
export class ProducerSettings<K, V> extends KafkaClientSettings<Props<K, V>> {
  private constructor(props: Props<K, V>) {
    super(props, W);
  }

  static create<K, V>(keySerializer: Serializer<K>, valueSerializer: Serializer<V>): ProducerSettings<K, V> {
    requireFunction(`${W}.create`, 'keySerializer', keySerializer);
    requireFunction(`${W}.create`, 'valueSerializer', valueSerializer);
    return new ProducerSettings<K, V>({
      bootstrapServers: [],
      clientId: 'tributary',
      keySerializer,
      valueSerializer,
      acks: -1,
      compression: 'none',
      idempotent: false,
      parallelism: 10_000,
      maxBatchRecords: 1_000,
      maxBatchBytes: 512 * 1024,
      produceTimeoutMs: 30_000,
      transactionalId: undefined,
      transactionTimeoutMs: 60_000,
      eosCommitIntervalMs: 100,
      connectionTimeoutMs: 3_000,
      requestTimeoutMs: 30_000,
      retry: defaultRetryPolicy,
      kafkaLogLevel: 'warn',
      logger: consoleKafkaLogger,
      connectionConfig: {},
    });
  }

  /** Raw bytes (or strings) for key and value. */
  static bytes(): ProducerSettings<Buffer | null, Buffer | null> {
    return ProducerSettings.create(Serializers.buffer, Serializers.buffer);
  }

  protected override with(patch: Partial<Props<K, V>>): this {
    return new ProducerSettings<K, V>({ ...this.props, ...patch }) as this;
  }

  get keySerializer(): Serializer<K> {
    return this.props.keySerializer;
  }
  get valueSerializer(): Serializer<V> {
    return this.props.valueSerializer;
  }
  get acks(): Acks {
    return this.props.acks;
  }
  get compression(): Compression {
    return this.props.compression;
  }
  get idempotent(): boolean {
    return this.props.idempotent;
  }
  get parallelism(): number {
    return this.props.parallelism;
  }
  get maxBatchRecords(): number {
    return this.props.maxBatchRecords;
  }
  get maxBatchBytes(): number {
    return this.props.maxBatchBytes;
  }
  get produceTimeoutMs(): number {
    return this.props.produceTimeoutMs;
  }
  get transactionalId(): string | undefined {
    return this.props.transactionalId;
  }
  get transactionTimeoutMs(): number {
    return this.props.transactionTimeoutMs;
  }
  get eosCommitIntervalMs(): number {
    return this.props.eosCommitIntervalMs;
  }

  withKeySerializer<K2>(keySerializer: Serializer<K2>): ProducerSettings<K2, V> {
    requireFunction(`${W}.withKeySerializer`, 'keySerializer', keySerializer);
    return new ProducerSettings<K2, V>({ ...this.props, keySerializer });
  }

  withValueSerializer<V2>(valueSerializer: Serializer<V2>): ProducerSettings<K, V2> {
    requireFunction(`${W}.withValueSerializer`, 'valueSerializer', valueSerializer);
    return new ProducerSettings<K, V2>({ ...this.props, valueSerializer });
  }

  withAcks(acks: Acks): ProducerSettings<K, V> {
    return this.with({ acks: requireOneOf(`${W}.withAcks`, 'acks', acks, [-1, 0, 1]) });
  }

  /** Compression of the record batches sent: `'none'` (default), `'gzip'`, `'snappy'`, `'lz4'` or `'zstd'`. */
  withCompression(compression: Compression): ProducerSettings<K, V> {
    return this.with({ compression: requireOneOf(`${W}.withCompression`, 'compression', compression, compressions) });
  }

  /** Idempotent producer (no duplicates from retries); needs acks -1. */
  withIdempotence(idempotent: boolean): ProducerSettings<K, V> {
    return this.with({ idempotent: requireBoolean(`${W}.withIdempotence`, 'idempotent', idempotent) });
  }

  /** Most records sent but not yet acknowledged; beyond it the stage back-pressures (default 10 000). */
  withParallelism(parallelism: number): ProducerSettings<K, V> {
    return this.with({ parallelism: requirePositiveInt(`${W}.withParallelism`, 'parallelism', parallelism) });
  }

  /**
   * Most records in one produce request (default 1 000). Larger requests are not cheaper with kafkajs: it
   * groups a request's records by partition in time quadratic in the records per partition.
   */
  withMaxBatchRecords(n: number): ProducerSettings<K, V> {
    return this.with({ maxBatchRecords: requirePositiveInt(`${W}.withMaxBatchRecords`, 'maxBatchRecords', n) });
  }

  /**
   * Most bytes (keys, values and headers, roughly) in one produce request (default 512 KiB; the broker
   * rejects a partition's batch above its `message.max.bytes`, 1 MiB by default). A larger record goes alone.
   */
  withMaxBatchBytes(bytes: number): ProducerSettings<K, V> {
    return this.with({ maxBatchBytes: requirePositiveInt(`${W}.withMaxBatchBytes`, 'maxBatchBytes', bytes) });
  }

  /** How long the broker may take to acknowledge a produce request. */
  withProduceTimeout(ms: number): ProducerSettings<K, V> {
    return this.with({ produceTimeoutMs: requireMillis(`${W}.withProduceTimeout`, 'produceTimeoutMs', ms) });
  }

  /** Required by `Transactional.sink`/`flow`; unique per running instance of the application. */
  withTransactionalId(transactionalId: string): ProducerSettings<K, V> {
    return this.with({ transactionalId: requireNonEmptyString(`${W}.withTransactionalId`, 'transactionalId', transactionalId) });
  }

  withTransactionTimeout(ms: number): ProducerSettings<K, V> {
    return this.with({ transactionTimeoutMs: requireMillis(`${W}.withTransactionTimeout`, 'transactionTimeoutMs', ms) });
  }

  /** How often a transactional stage commits its transaction (Alpakka's `eos-commit-interval`, default 100 ms). */
  withEosCommitInterval(ms: number): ProducerSettings<K, V> {
    return this.with({ eosCommitIntervalMs: requireMillis(`${W}.withEosCommitInterval`, 'eosCommitIntervalMs', ms) });
  }

  /** @internal Checks the settings as a whole before a stage is built from them. */
  _validate(op: string, transactional: boolean): void {
    const p = this.props;
    if (p.bootstrapServers.length === 0) {
      throw new TypeError(`${op}: ProducerSettings.bootstrapServers is not set (use withBootstrapServers('host:port'))`);
    }
    if (p.idempotent && p.acks !== -1) {
      throw new RangeError(`${op}: ProducerSettings.acks must be -1 (all) for an idempotent producer, got ${p.acks}`);
    }
    if (transactional && p.transactionalId === undefined) {
      throw new TypeError(`${op}: ProducerSettings.transactionalId is required (use withTransactionalId(...))`);
    }
    if (transactional && p.acks !== -1) {
      throw new RangeError(`${op}: ProducerSettings.acks must be -1 (all) for transactions, got ${p.acks}`);
    }
  }

  override toString(): string {
    const p = this.props;
    return (
      `ProducerSettings(bootstrapServers=${p.bootstrapServers.join(',')}, clientId=${p.clientId}, acks=${p.acks}, ` +
      `compression=${p.compression}, idempotent=${p.idempotent}, parallelism=${p.parallelism}, maxBatchRecords=${p.maxBatchRecords}, maxBatchBytes=${p.maxBatchBytes}, ` +
      `transactionalId=${p.transactionalId ?? '-'}, sasl=${p.connectionConfig.sasl ? '***' : '-'})`
    );
  }
}
