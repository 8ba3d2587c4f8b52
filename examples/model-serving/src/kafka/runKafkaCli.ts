import { UsageError } from '../cli/parseCliArgs.js';
import type { CliIo } from '../cli/runCli.js';
import { formatCount } from '../pipeline/format.js';
import { kafkaTopicNames } from './kafkaTopics.js';
import { KAFKA_USAGE, parseKafkaServiceArgs, parsePublishArgs } from './parseKafkaArgs.js';
import { publishToKafka } from './publishToKafka.js';
import { startKafkaService } from './startKafkaService.js';

/** Does this command line ask for the Kafka mode (`--kafka …` without `publish`)? */
export const isKafkaServiceCommand = (argv: readonly string[]): boolean => argv.some((a) => a === '--kafka' || a.startsWith('--kafka='));

/**
 * `--kafka <bootstrap>`: runs the scoring service on Kafka until the stop signal, then drains and
 * prints the summary. Resolves with the exit code: 0 after a drained stop, 2 on a bad command line,
 * 1 if the service failed.
 */
export async function runKafkaCli(argv: readonly string[], io: CliIo): Promise<number> {
  if (asksForHelp(argv)) {
    io.out(KAFKA_USAGE);
    return 0;
  }
  let options;
  try {
    options = parseKafkaServiceArgs(argv);
  } catch (e) {
    return usageError(e, io);
  }
  const { bootstrap, group, partitions, sessionTimeoutMs, clientId, topicPrefix } = options;
  const topics = kafkaTopicNames(topicPrefix);
  io.out(`model-serving (kafka): ${topics.data} → ${topics.scored}, models from ${topics.models}, group ${group}, brokers ${bootstrap}`);
  let run;
  try {
    run = await startKafkaService({
      bootstrap,
      group,
      partitions,
      sessionTimeoutMs,
      topicPrefix,
      ...(clientId === undefined ? {} : { clientId }),
      print: io.out,
      logger: io.logger,
    });
  } catch (e) {
    io.err(`model-serving: could not start on Kafka at ${bootstrap}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  const unregister = io.onStopSignal(() => {
    io.out('stopping: draining in-flight records and committing their offsets…');
    void run.stop().catch(() => {});
  });
  try {
    await run.done;
    return 0;
  } catch (e) {
    io.err(`model-serving: the stream failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  } finally {
    unregister();
  }
}

/** `publish --kafka <bootstrap>`: sends generated records and the models; 0 when all were acknowledged. */
export async function runPublishCli(argv: readonly string[], io: CliIo): Promise<number> {
  if (asksForHelp(argv)) {
    io.out(KAFKA_USAGE);
    return 0;
  }
  let options;
  try {
    options = parsePublishArgs(argv);
  } catch (e) {
    return usageError(e, io);
  }
  const { bootstrap, records, seed, rate, models, partitions, topicPrefix } = options;
  const topics = kafkaTopicNames(topicPrefix);
  io.out(
    `model-serving publish: ${formatCount(records)} records (seed ${seed}, ${rate === undefined ? 'as fast as Kafka takes them' : `${formatCount(rate)} records/s`}) ` +
      `to ${topics.data}${models ? `, the shipped models to ${topics.models}` : ''} at ${bootstrap}`,
  );
  try {
    const sent = await publishToKafka({ bootstrap, records, seed, models, partitions, topicPrefix, ...(rate === undefined ? {} : { rate }) });
    io.out(`published ${formatCount(sent.records)} records and ${sent.models} models`);
    return 0;
  } catch (e) {
    io.err(`model-serving publish: failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

const asksForHelp = (argv: readonly string[]): boolean => argv.includes('--help') || argv.includes('-h');

function usageError(e: unknown, io: CliIo): number {
  if (!(e instanceof UsageError)) throw e;
  io.err(`model-serving: ${e.message}\n\n${KAFKA_USAGE}`);
  return 2;
}
