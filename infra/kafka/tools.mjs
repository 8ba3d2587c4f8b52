// Tributary: run Kafka's own command-line clients (kafka-tools, the same Maven artifacts as the broker)
// with `java -cp`, for interoperability tests and benchmarks. Plain Node ESM, built-ins only.
//
//   import { runKafkaTool, KafkaTools } from '../../infra/kafka/tools.mjs';
//   const { stdout } = await runKafkaTool(KafkaTools.ConsumerGroupCommand,
//     ['--bootstrap-server', bootstrap, '--describe', '--group', 'g']);

import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureKafkaJars } from './broker.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Main classes of Kafka 3.9's tools (what bin/kafka-*.sh run). */
export const KafkaTools = Object.freeze({
  ConsoleProducer: 'kafka.tools.ConsoleProducer',
  DumpLogSegments: 'kafka.tools.DumpLogSegments',
  ConsoleConsumer: 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  VerifiableProducer: 'org.apache.kafka.tools.VerifiableProducer',
  VerifiableConsumer: 'org.apache.kafka.tools.VerifiableConsumer',
  ConsumerGroupCommand: 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  ConsumerPerformance: 'org.apache.kafka.tools.ConsumerPerformance',
  ProducerPerformance: 'org.apache.kafka.tools.ProducerPerformance',
  TopicCommand: 'org.apache.kafka.tools.TopicCommand',
});

function java() {
  const candidates = [process.env.KAFKA_JAVA, process.env.JAVA_HOME && path.join(process.env.JAVA_HOME, 'bin', 'java'), 'java'].filter(Boolean);
  for (const j of candidates) if (!spawnSync(j, ['-version'], { stdio: 'ignore' }).error) return j;
  throw new Error('Kafka tools: `java` is missing — a Java 17 runtime is needed (apt-get install openjdk-17-jre-headless)');
}

/**
 * Runs `mainClass args…` on the broker's classpath and resolves with its exit code and output; rejects if
 * it exits non-zero (unless `allowFailure`) or runs longer than `timeoutMs` (it is killed then).
 * `input` is written to its stdin (then closed).
 *
 * @param {string} mainClass
 * @param {string[]} args
 * @param {{ input?: string | Buffer, timeoutMs?: number, heapMb?: number, allowFailure?: boolean }} [options]
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
 */
export async function runKafkaTool(mainClass, args, options = {}) {
  const { classpath } = await ensureKafkaJars();
  const timeoutMs = options.timeoutMs ?? 120_000;
  const jvm = [
    `-Xmx${options.heapMb ?? 256}m`,
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    '-XX:-UsePerfData',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${path.join(HERE, 'tools-log4j.properties')}`,
    '-cp',
    classpath,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(java(), [...jvm, mainClass, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
      if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${mainClass} ${args.join(' ')} did not finish within ${timeoutMs} ms\n--- stderr ---\n${stderr.slice(-4000)}`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0 && !options.allowFailure) {
        reject(new Error(`${mainClass} ${args.join(' ')} exited with ${code}\n--- stderr ---\n${stderr.slice(-4000)}\n--- stdout ---\n${stdout.slice(-2000)}`));
      } else resolve({ code, stdout, stderr });
    });
  });
}
