/**
 * `npm run demo:kafka -w examples/model-serving [-- --records n --rate n --seed n]`: the Kafka mode in one
 * command, on the project's own broker (infra/kafka: Kafka 3.9 in KRaft mode, Java 17; the jars are
 * downloaded once). Starts the broker, runs the service, publishes records and models, waits until every
 * offset is committed, prints the summary, stops the service and the broker.
 */
import { UsageError } from '../cli/parseCliArgs.js';
import { KAFKA_DEMO_USAGE, parseDemoArgs } from './parseKafkaArgs.js';
import { runKafkaDemo } from './runKafkaDemo.js';

interface LocalBroker {
  readonly bootstrap: string;
  readonly version: string;
  stop(): Promise<void>;
}
interface BrokerModule {
  startKafka(options?: { verbose?: boolean }): Promise<LocalBroker>;
}

const argv = process.argv.slice(2);
let options;
try {
  options = argv.includes('--help') || argv.includes('-h') ? null : parseDemoArgs(argv);
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  console.error(`model-serving demo:kafka: ${e.message}\n\n${KAFKA_DEMO_USAGE}`);
  process.exit(2);
}
if (options === null) {
  console.log(KAFKA_DEMO_USAGE);
} else {
  // dist/kafka/demo.js (and src/kafka/demo.ts) → the repository's infra/kafka.
  const brokerModule = new URL('../../../../infra/kafka/broker.mjs', import.meta.url).href;
  const { startKafka } = (await import(brokerModule)) as BrokerModule;
  console.log("model-serving demo:kafka: starting the project's own Kafka broker (infra/kafka; the first run downloads its jars)…");
  const startedAt = Date.now();
  const broker = await startKafka();
  console.log(`Kafka ${broker.version} at ${broker.bootstrap} (ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);
  const stopBroker = () => void broker.stop();
  process.once('SIGINT', stopBroker);
  try {
    await runKafkaDemo({ bootstrap: broker.bootstrap, ...options });
  } catch (e) {
    console.error(`model-serving demo:kafka: failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exitCode = 1;
  } finally {
    process.off('SIGINT', stopBroker);
    await broker.stop();
    console.log('broker stopped');
  }
}
