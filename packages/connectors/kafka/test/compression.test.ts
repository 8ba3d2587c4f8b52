/**
 * Compression against Kafka's own Java clients: records that `ConsoleProducer --compression-codec X`
 * wrote are read by a Tributary source, and records Tributary wrote with `withCompression(X)` are read
 * by `ConsoleConsumer` — for snappy, lz4 and zstd (and gzip). Kafka's `DumpLogSegments` confirms that
 * the batches in the log really are compressed with that codec in both directions.
 */
import path from 'node:path';
import { Keep, Sink, Source } from '@tributary/core';
import { type Compression, Consumer, Producer, Subscriptions } from '@tributary/kafka';
import { describe, expect, inject, it } from 'vitest';
import { KafkaTools, runKafkaTool } from '../../../../infra/kafka/tools.mjs';
import { bootstrap, createTopic, stringConsumer, stringProducer, unique } from './helpers.js';

const N = 2000;
const value = (i: number) => `record ${i} ${'abcdefghij'.repeat(1 + (i % 7))}`;

/** The compression codecs of the batches in partition 0 of each topic, per Kafka's DumpLogSegments (one JVM for all). */
async function codecsInLog(...topics: string[]): Promise<Set<string>[]> {
  const files = topics.map((topic) => path.join(inject('kafkaLogDirs'), `${topic}-0`, '00000000000000000000.log'));
  const { stdout } = await runKafkaTool(KafkaTools.DumpLogSegments, ['--files', files.join(',')]);
  // The dump of each file starts with "Dumping <file>".
  const sections = stdout.split(/^Dumping /m).slice(1);
  return files.map((file) => {
    const section = sections.find((s) => s.startsWith(file)) ?? '';
    return new Set([...section.matchAll(/compresscodec: (\w+)/g)].map((m) => m[1]!.toLowerCase()));
  });
}

const codecs: Compression[] = ['snappy', 'lz4', 'zstd', 'gzip'];

describe('compression, interoperating with the Java client', () => {
  for (const codec of codecs) {
    it(`${codec}: reads what ConsoleProducer compressed, and ConsoleConsumer reads what Tributary compressed`, async () => {
      const fromJava = await createTopic(unique(`cmp-java-${codec}`), 1);
      const input = Array.from({ length: N }, (_, i) => `k${i}:${value(i)}`).join('\n') + '\n';
      await runKafkaTool(
        KafkaTools.ConsoleProducer,
        ['--bootstrap-server', bootstrap(), '--topic', fromJava, '--compression-codec', codec, '--property', 'parse.key=true', '--property', 'key.separator=:'],
        { input },
      );
      const [control, records] = Consumer.plainSource(stringConsumer(unique('cmp')), Subscriptions.topics(fromJava))
        .take(N)
        .toMat(Sink.seq(), Keep.both)
        .run();
      const got = await records;
      expect(got.map((r) => [r.key, r.value])).toEqual(Array.from({ length: N }, (_, i) => [`k${i}`, value(i)]));
      await control.isShutdown;

      const fromTributary = await createTopic(unique(`cmp-trib-${codec}`), 1);
      await Source.range(0, N - 1)
        .map((i) => ({ topic: fromTributary, key: `k${i}`, value: value(i) }))
        .runWith(Producer.plainSink(stringProducer().withCompression(codec)));
      expect(await codecsInLog(fromJava, fromTributary)).toEqual([new Set([codec]), new Set([codec])]);
      const { stdout } = await runKafkaTool(KafkaTools.ConsoleConsumer, [
        '--bootstrap-server',
        bootstrap(),
        '--topic',
        fromTributary,
        '--from-beginning',
        '--max-messages',
        String(N),
        '--timeout-ms',
        '30000',
        '--property',
        'print.key=true',
        '--property',
        'key.separator=:',
      ]);
      expect(stdout.trimEnd().split('\n')).toEqual(Array.from({ length: N }, (_, i) => `k${i}:${value(i)}`));
    });
  }
});
