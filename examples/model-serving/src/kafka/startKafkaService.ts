import { Keep, Materializer, type StreamLogger } from '@tributary/core';
import {
  Committer,
  CommitterSettings,
  Consumer,
  type ConsumerMetrics,
  ConsumerSettings,
  Deserializers,
  DrainingControl,
  MetadataClient,
  Producer,
  ProducerMessage,
  ProducerSettings,
  Serializers,
  Subscriptions,
} from '@tributary/kafka';
import { BadRecordError, type BadRecordKind } from '../domain/BadRecordError.js';
import { parseSensorRecord } from '../domain/parseSensorRecord.js';
import type { SensorRecord } from '../domain/SensorRecord.js';
import { summaryTable } from '../pipeline/summaryTable.js';
import type { ScoringState, ScoringStats } from '../scoring/ScoringState.js';
import { kafkaProgressReporter } from './KafkaProgressReporter.js';
import { DEFAULT_PARTITIONS, ensureKafkaTopics, kafkaTopicNames } from './kafkaTopics.js';
import { scoringWithContext } from './scoringWithContext.js';

export const DEFAULT_GROUP = 'model-serving';
export const DEFAULT_SESSION_TIMEOUT_MS = 10_000;

export interface KafkaServiceOptions {
  /** Bootstrap servers, `host:port[,host:port…]`. */
  readonly bootstrap: string;
  /** Consumer group of the instances that share `sensor-data` (default `model-serving`). */
  readonly group?: string;
  /** Put in front of the topic names (`sensor-data` → `<prefix>sensor-data`, …); default none. */
  readonly topicPrefix?: string;
  /** Partitions of the topics this service creates when they are missing (default 6). */
  readonly partitions?: number;
  /** Kafka client id of this instance, shown by the group's description (default `model-serving-<pid>`). */
  readonly clientId?: string;
  /** How long the group waits for a silent member before its partitions move (default 10 s). */
  readonly sessionTimeoutMs?: number;
  /** Offsets are committed per this many records or `commitIntervalMs`, whichever comes first (default 1,000). */
  readonly commitMaxBatch?: number;
  /** Default 1,000 ms. */
  readonly commitIntervalMs?: number;
  /** Progress lines and the summary. Default `console.log`. */
  readonly print?: (line: string) => void;
  /** Model swaps, rejected models, bad records, kafkajs' warnings. Default `console`. */
  readonly logger?: StreamLogger;
  readonly progressIntervalMs?: number;
  readonly materializer?: Materializer;
}

export interface KafkaServiceSummary {
  /** The scoring stage's statistics, with the records skipped before it (not valid records) counted as bad. */
  readonly stats: ScoringStats;
  readonly elapsedMs: number;
  /** The printed summary table. */
  readonly table: string;
}

export interface KafkaServiceRun {
  /** The scoring stage's queryable state, live while the service runs. */
  readonly scoring: ScoringState;
  /** Per-partition position, committed offset, end offset and lag on `sensor-data`. */
  metrics(): ConsumerMetrics;
  /** The statistics, with the records skipped before the stage counted as bad. */
  stats(): ScoringStats;
  /**
   * Stops consuming, lets the records in flight be scored, produced and their offsets committed, closes
   * the consumers and the producer (`DrainingControl.drainAndShutdown`); resolves like `done`.
   */
  stop(): Promise<KafkaServiceSummary>;
  /** Resolves after `stop()` drained the service and the summary was printed; rejects if the stream failed. */
  readonly done: Promise<KafkaServiceSummary>;
}

/**
 * The Kafka mode: records from `sensor-data` (shared by the instances of one consumer group), model
 * documents from `models` (read whole by every instance), scored records to `scored-records`, keyed by
 * device. At least once: each record's offset travels as the context of a `SourceWithContext` and is
 * committed only after the scored record was acknowledged by Kafka; a record that is not a valid
 * `SensorRecord` is skipped (counted, logged once per kind) and its offset goes with it — the next
 * committed offset of its partition covers it. Creates the topics when they are missing.
 *
 * ```
 * sensor-data ─▶ parse ─▶ ModelScoringStage ─▶ Producer.flowWithContext ─▶ Committer.sinkWithOffsetContext
 *    models ───────────────────▲              (scored-records)              (commit the offsets)
 * ```
 */
export async function startKafkaService(options: KafkaServiceOptions): Promise<KafkaServiceRun> {
  const {
    bootstrap,
    group = DEFAULT_GROUP,
    partitions = DEFAULT_PARTITIONS,
    clientId = `model-serving-${process.pid}`,
    sessionTimeoutMs = DEFAULT_SESSION_TIMEOUT_MS,
    commitMaxBatch = 1000,
    commitIntervalMs = 1000,
    print = console.log,
    logger = console,
    progressIntervalMs = 1000,
    topicPrefix = '',
  } = options;
  const topics = kafkaTopicNames(topicPrefix);
  const materializer = options.materializer ?? Materializer.default;
  await ensureKafkaTopics(bootstrap, partitions, topics);

  const baseConsumer = ConsumerSettings.create(Deserializers.string, Deserializers.buffer)
    .withBootstrapServers(bootstrap)
    .withClientId(clientId)
    .withLogger(logger)
    .withKafkaLogLevel('warn');
  const dataSettings = baseConsumer
    .withGroupId(group)
    .withAutoOffsetReset('earliest')
    .withSessionTimeout(sessionTimeoutMs)
    .withHeartbeatInterval(Math.max(100, Math.floor(sessionTimeoutMs / 10)))
    .withFetchMaxWait(100);
  const modelPartitions = await partitionsOf(baseConsumer, topics.models);
  // No group for the models: every instance reads every model document from the start, so that it
  // scores with the latest one however late it joins.
  const models = Consumer.plainSource(
    baseConsumer.withFetchMaxWait(100),
    Subscriptions.assignmentWithOffset(...modelPartitions.map((partition) => ({ topic: topics.models, partition, offset: 0 }))),
  ).map((record) => record.value);
  const producerSettings = ProducerSettings.create(Serializers.string, Serializers.string)
    .withBootstrapServers(bootstrap)
    .withClientId(clientId)
    .withLogger(logger)
    .withKafkaLogLevel('warn');
  const committerSettings = CommitterSettings.create().withMaxBatch(commitMaxBatch).withMaxInterval(commitIntervalMs);

  const skipped = new BadRecordCounter(logger, topics.data);
  const [[control, { models: modelsControl, scoring }], streamCompletion] = Consumer.sourceWithOffsetContext(dataSettings, Subscriptions.topics(topics.data))
    .collect((record) => skipped.parse(record.value))
    .viaMat(scoringWithContext(models, { logger }), Keep.both)
    .map((scored) => ProducerMessage.single({ topic: topics.scored, key: scored.record.deviceId, value: JSON.stringify(scored) }))
    .via(Producer.flowWithContext(producerSettings))
    .toMat(Committer.sinkWithOffsetContext(committerSettings), Keep.both)
    .run(materializer);
  const draining = DrainingControl.create(control, streamCompletion);

  const scheduler = materializer.scheduler;
  const startedAt = scheduler.now();
  const stats = (): ScoringStats => skipped.addTo(scoring.stats());
  const progress = kafkaProgressReporter(
    scheduler,
    progressIntervalMs,
    scoring,
    () => draining.metrics(),
    () => skipped.total,
    print,
  );
  progress.start();

  const done = streamCompletion.then(
    async () => {
      // The scoring stage cancelled the model source when the data ended; wait until both consumers closed.
      await Promise.all([draining.shutdown(), modelsControl.shutdown()]);
      progress.stop();
      const elapsedMs = scheduler.now() - startedAt;
      const final = stats();
      const table = summaryTable(final, elapsedMs);
      print(table);
      return { stats: final, elapsedMs, table };
    },
    async (error: unknown) => {
      progress.stop();
      await Promise.all([draining.shutdown(), modelsControl.shutdown()]);
      throw error;
    },
  );
  let stopping: Promise<KafkaServiceSummary> | null = null;
  return {
    scoring,
    metrics: () => draining.metrics(),
    stats,
    stop: () => (stopping ??= draining.drainAndShutdown().then(() => done)),
    done,
  };
}

async function partitionsOf(settings: ConsumerSettings<unknown, unknown>, topic: string): Promise<number[]> {
  const metadata = MetadataClient.create(settings);
  try {
    return (await metadata.getPartitionsFor(topic)).map((p) => p.partition);
  } finally {
    await metadata.close();
  }
}

/** Parses records before the scoring stage; counts and logs (once per kind) those that are not valid. */
class BadRecordCounter {
  private readonly byKind = new Map<BadRecordKind, number>();
  total = 0;

  constructor(
    private readonly logger: StreamLogger,
    private readonly topic: string,
  ) {}

  /** The record, or `undefined` (and counted) when it is not a valid `SensorRecord`. */
  parse(value: Buffer | null): SensorRecord | undefined {
    try {
      return parseSensorRecord(value);
    } catch (e) {
      if (!(e instanceof BadRecordError)) throw e;
      const seen = this.byKind.get(e.kind) ?? 0;
      this.byKind.set(e.kind, seen + 1);
      this.total++;
      if (seen === 0)
        this.logger.warn(
          `model-serving (kafka): skipped a bad record of ${this.topic} (${e.kind}): ${e.message}; further ${e.kind} records are counted, not logged`,
        );
      return undefined;
    }
  }

  addTo(stats: ScoringStats): ScoringStats {
    if (this.total === 0) return stats;
    const byKind: Partial<Record<BadRecordKind, number>> = { ...stats.badRecordsByKind };
    for (const [kind, n] of this.byKind) byKind[kind] = (byKind[kind] ?? 0) + n;
    return { ...stats, badRecords: stats.badRecords + this.total, badRecordsByKind: byKind };
  }
}
