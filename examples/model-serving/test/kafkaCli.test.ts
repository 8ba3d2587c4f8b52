/**
 * The command line of the Kafka mode (no broker needed): `--kafka …` and `publish …` are routed by
 * `runCli`, their options parsed with defaults, and bad command lines refused naming what is wrong.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/cli/parseCliArgs.js';
import { type CliIo, runCli } from '../src/cli/runCli.js';
import { kafkaTopicNames } from '../src/kafka/kafkaTopics.js';
import { KAFKA_USAGE, parseDemoArgs, parseKafkaServiceArgs, parsePublishArgs } from '../src/kafka/parseKafkaArgs.js';
import { RecordingLogger } from './scoringProbes.js';

function refused(parse: () => unknown): string {
  try {
    parse();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('expected the command line to be refused');
}

function io(): CliIo & { outLines: string[]; errLines: string[] } {
  const outLines: string[] = [];
  const errLines: string[] = [];
  return { outLines, errLines, out: (l) => outLines.push(l), err: (l) => errLines.push(l), logger: new RecordingLogger(), onStopSignal: () => () => {} };
}

describe('the Kafka mode command line', () => {
  it('service options with their defaults', () => {
    expect(parseKafkaServiceArgs(['--kafka', '127.0.0.1:9092'])).toEqual({
      bootstrap: '127.0.0.1:9092',
      group: 'model-serving',
      partitions: 6,
      sessionTimeoutMs: 10_000,
      clientId: undefined,
      topicPrefix: '',
    });
    expect(
      parseKafkaServiceArgs(['--kafka=a:1,b:2', '--group', 'g', '--partitions=3', '--session-timeout', '6000', '--client-id', 'me', '--topic-prefix', 'dev.']),
    ).toEqual({ bootstrap: 'a:1,b:2', group: 'g', partitions: 3, sessionTimeoutMs: 6000, clientId: 'me', topicPrefix: 'dev.' });
  });

  it('publish options with their defaults; --rate 0 is as fast as Kafka takes them', () => {
    expect(parsePublishArgs(['--kafka', 'h:1'])).toEqual({
      bootstrap: 'h:1',
      records: 20_000,
      seed: 42,
      rate: 5000,
      models: true,
      partitions: 6,
      topicPrefix: '',
    });
    expect(parsePublishArgs(['--kafka', 'h:1', '--records', '0', '--rate', '0', '--seed', '-3', '--no-models'])).toMatchObject({
      records: 0,
      rate: undefined,
      seed: -3,
      models: false,
    });
  });

  it('demo options with their defaults', () => {
    expect(parseDemoArgs([])).toEqual({ records: 20_000, rate: 5000, seed: 42 });
    expect(parseDemoArgs(['--records=300', '--rate', '100', '--seed', '9'])).toEqual({ records: 300, rate: 100, seed: 9 });
    expect(refused(() => parseDemoArgs(['--kafka', 'h:1']))).toBe('unknown option --kafka (with demo:kafka)');
    expect(refused(() => parseDemoArgs(['--rate', '0']))).toBe('--rate must be a positive integer, got "0"');
  });

  it('refuses bad command lines, naming the option and what arrived', () => {
    expect(refused(() => parseKafkaServiceArgs(['--kafka', 'localhost']))).toBe(
      '--kafka must be host:port (or a comma-separated list of them), got "localhost"',
    );
    expect(refused(() => parseKafkaServiceArgs(['--kafka']))).toBe('--kafka needs a value');
    expect(refused(() => parseKafkaServiceArgs(['--kafka', 'h:1', '--records', '5']))).toBe('unknown option --records (with --kafka)');
    expect(refused(() => parseKafkaServiceArgs(['--kafka', 'h:1', '--partitions', '0']))).toBe('--partitions must be a positive integer, got "0"');
    expect(refused(() => parseKafkaServiceArgs(['--kafka', 'h:1', '--topic-prefix', 'a b']))).toBe(
      `--topic-prefix may only contain letters, digits, '.', '_' and '-', got "a b"`,
    );
    expect(refused(() => parseKafkaServiceArgs(['--kafka', 'h:1', '--group', 'a', '--group', 'b']))).toBe('--group is given more than once');
    expect(refused(() => parsePublishArgs(['--records', '5']))).toBe('publish: --kafka <bootstrap> is required');
    expect(refused(() => parsePublishArgs(['--kafka', 'h:1', '--records', '-1']))).toBe('--records must be a non-negative integer, got "-1"');
    expect(refused(() => parsePublishArgs(['--kafka', 'h:1', '--no-models=yes']))).toBe('--no-models takes no value');
    expect(refused(() => parsePublishArgs(['--kafka', 'h:1', 'extra']))).toBe('unexpected argument "extra" (options start with --)');
  });

  it('runCli routes --kafka and publish: help exits 0, a bad command line exits 2 with the usage', async () => {
    const help = io();
    expect(await runCli(['--kafka', '--help'], help)).toBe(0);
    expect(help.outLines).toEqual([KAFKA_USAGE]);
    const publishHelp = io();
    expect(await runCli(['publish', '-h'], publishHelp)).toBe(0);
    expect(publishHelp.outLines).toEqual([KAFKA_USAGE]);
    const bad = io();
    expect(await runCli(['publish', '--kafka', 'nope'], bad)).toBe(2);
    expect(bad.errLines[0]).toBe(`model-serving: --kafka must be host:port (or a comma-separated list of them), got "nope"\n\n${KAFKA_USAGE}`);
  });

  it('topic names take a prefix of safe characters only', () => {
    expect(kafkaTopicNames('t1.')).toEqual({ data: 't1.sensor-data', models: 't1.models', scored: 't1.scored-records' });
    expect(() => kafkaTopicNames('a/b')).toThrow(/kafkaTopicNames: prefix may only contain letters, digits/);
  });
});
