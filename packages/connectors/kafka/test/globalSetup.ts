/**
 * Starts one real Kafka broker (infra/kafka/broker.mjs: Kafka 3.9 KRaft, jars from Maven Central) for the
 * Kafka test project and hands its bootstrap address to the tests (`inject('kafkaBootstrap')`). Without
 * Java or Maven the suite fails here, with a message naming what is missing — it is never skipped.
 */
import type { TestProject } from 'vitest/node';
import { startKafka } from '../../../../infra/kafka/broker.mjs';
import './kafkaContext.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let broker;
  process.stderr.write('[kafka] starting a single-node Kafka 3.9 broker for the Kafka tests (the first run downloads its jars with Maven)…\n');
  try {
    broker = await startKafka();
  } catch (e) {
    throw new Error(
      `The Kafka integration tests need a real Kafka broker (Java 17 and Maven; see infra/kafka/README.md) and it could not be started: ${
        e instanceof Error ? e.message : String(e)
      }`,
    );
  }
  process.stderr.write(`[kafka] broker ready at ${broker.bootstrap}\n`);
  project.provide('kafkaBootstrap', broker.bootstrap);
  project.provide('kafkaLogDirs', broker.logDirs);
  return async () => {
    await broker.stop();
  };
}
