import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Materializer, Source } from '@tributary/core';
import { Producer, type ProducerRecord, ProducerSettings, Serializers } from '@tributary/kafka';
import { sensorRecords } from '../generator/sensorRecords.js';
import { shippedModelsDir } from '../shippedModelsDir.js';
import { DEFAULT_PARTITIONS, ensureKafkaTopics, kafkaTopicNames } from './kafkaTopics.js';

export interface PublishOptions {
  readonly bootstrap: string;
  /** Generated records to send to `sensor-data` (0: models only). */
  readonly records: number;
  readonly seed: number;
  /** Records per second; omitted = as fast as Kafka takes them. */
  readonly rate?: number;
  /**
   * Send the model documents of `modelsDir` to `models` too (default true): model i of n goes out
   * after i·records/n records, so that with three models the first precedes the data and the others
   * arrive a third and two thirds of the way through.
   */
  readonly models?: boolean;
  /** Default: the three shipped models. */
  readonly modelsDir?: string;
  /** Put in front of the topic names (see `kafkaTopicNames`); default none. */
  readonly topicPrefix?: string;
  /** Partitions of the topics created when missing (default 6). */
  readonly partitions?: number;
  readonly materializer?: Materializer;
}

export interface PublishResult {
  readonly records: number;
  readonly models: number;
}

/**
 * The `publish` command: creates the topics when missing, then sends generated records (JSON, keyed by
 * device, so that each device's records stay in order on one partition) to `sensor-data` and the model
 * documents to `models`, interleaved by count. Resolves when Kafka acknowledged everything.
 */
export async function publishToKafka(options: PublishOptions): Promise<PublishResult> {
  const { bootstrap, records, seed, rate, models = true, modelsDir = shippedModelsDir, partitions = DEFAULT_PARTITIONS, topicPrefix = '' } = options;
  const topics = kafkaTopicNames(topicPrefix);
  if (!Number.isSafeInteger(records) || records < 0) throw new RangeError(`publishToKafka: records must be a non-negative integer, got ${records}`);
  const documents = models ? await modelDocuments(modelsDir) : [];
  await ensureKafkaTopics(bootstrap, partitions, topics);
  const settings = ProducerSettings.create(Serializers.string, Serializers.string).withBootstrapServers(bootstrap).withKafkaLogLevel('warn');
  const thresholds = documents.map((_, i) => Math.floor((i * records) / documents.length));
  const modelRecord = (i: number): ProducerRecord<string, string> => ({ topic: topics.models, key: documents[i]!.name, value: documents[i]!.text });
  // Models due at or after the last record (none with the default thresholds, all of them with 0 records).
  const trailing = Source.from(thresholds.flatMap((t, i) => (t >= records ? [modelRecord(i)] : [])));
  const data = sensorRecords({ seed, count: records, ...(rate === undefined ? {} : { rate }) }).statefulMap(
    () => ({ index: 0 }),
    (state, record): [{ index: number }, ProducerRecord<string, string>[]] => {
      const due = thresholds.flatMap((t, i) => (t === state.index ? [modelRecord(i)] : []));
      state.index++;
      return [state, [...due, { topic: topics.data, key: record.deviceId, value: JSON.stringify(record) }]];
    },
  );
  await data
    .mapConcat((batch) => batch)
    .concat(trailing)
    .runWith(Producer.plainSink(settings), options.materializer ?? Materializer.default);
  return { records, models: documents.length };
}

/** The `*.json` files of `dir`, in name order (the shipped models are numbered `1-…`, `2-…`, `3-…`). */
async function modelDocuments(dir: string): Promise<{ name: string; text: string }[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  if (names.length === 0) throw new Error(`publishToKafka: no model documents (*.json) in ${dir}`);
  return Promise.all(names.map(async (name) => ({ name: name.replace(/\.json$/, ''), text: await readFile(join(dir, name), 'utf8') })));
}
