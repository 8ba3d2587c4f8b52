import { DEFAULT_RATE, DEFAULT_RECORDS, DEFAULT_SEED, type Flag, parseFlags, UsageError } from '../cli/parseCliArgs.js';
import { DEFAULT_PARTITIONS } from './kafkaTopics.js';
import { DEFAULT_GROUP, DEFAULT_SESSION_TIMEOUT_MS } from './startKafkaService.js';

/** `--kafka <bootstrap> [options]`: the scoring service on Kafka. */
export interface KafkaServiceCliOptions {
  readonly bootstrap: string;
  readonly group: string;
  readonly partitions: number;
  readonly sessionTimeoutMs: number;
  readonly clientId: string | undefined;
  readonly topicPrefix: string;
}

/** `publish --kafka <bootstrap> [options]`: generated records and the shipped models to the topics. */
export interface PublishCliOptions {
  readonly bootstrap: string;
  readonly records: number;
  readonly seed: number;
  readonly rate: number | undefined;
  readonly models: boolean;
  readonly partitions: number;
  readonly topicPrefix: string;
}

export const KAFKA_USAGE = `usage: npm start -w examples/model-serving -- --kafka <bootstrap> [options]
       npm start -w examples/model-serving -- publish --kafka <bootstrap> [options]

--kafka: the scoring service on Kafka. Records from topic sensor-data (shared by the instances of
one consumer group), models from topic models, scored records to topic scored-records; each offset
is committed after its scored record was written (at least once). Runs until Ctrl-C or SIGTERM,
then drains what is in flight, commits, prints the summary and exits 0.
  --kafka <host:port[,host:port]>  the brokers (topics are created when missing)
  --group <id>             consumer group (default ${DEFAULT_GROUP})
  --partitions <n>         partitions of the topics created here (default ${DEFAULT_PARTITIONS})
  --session-timeout <ms>   how long the group waits for a silent instance (default ${DEFAULT_SESSION_TIMEOUT_MS})
  --client-id <id>         this instance's Kafka client id (default model-serving-<pid>)
  --topic-prefix <p>       put p in front of the three topic names (default none)

publish: sends generated records to sensor-data and the shipped models to models, model i of 3
after i/3 of the records, then exits.
  --kafka <host:port[,host:port]>  the brokers (topics are created when missing)
  --records <n>            records to send (default ${DEFAULT_RECORDS.toLocaleString('en-US')}; 0 = the models only)
  --rate <n>               records per second (default ${DEFAULT_RATE.toLocaleString('en-US')}; 0 = as fast as Kafka takes them)
  --seed <n>               generator seed (default ${DEFAULT_SEED})
  --no-models              send the records only
  --partitions <n>         partitions of the topics created here (default ${DEFAULT_PARTITIONS})
  --topic-prefix <p>       put p in front of the three topic names (default none)

  -h, --help               show this help`;

/** `npm run demo:kafka`: the Kafka mode on the project's own broker. */
export interface DemoCliOptions {
  readonly records: number;
  readonly rate: number;
  readonly seed: number;
}

export const KAFKA_DEMO_USAGE = `usage: npm run demo:kafka -w examples/model-serving [-- options]

Starts the project's own Kafka broker (infra/kafka: Java 17; the jars are downloaded on the first run),
runs the scoring service on it, publishes generated records and the three shipped models, waits until
every offset is committed, prints the summary and stops everything.
  --records <n>   records to publish (default ${DEFAULT_RECORDS.toLocaleString('en-US')})
  --rate <n>      records per second (default ${DEFAULT_RATE.toLocaleString('en-US')})
  --seed <n>      generator seed (default ${DEFAULT_SEED})
  -h, --help      show this help`;

const BOOTSTRAP = /^[^\s:,]+:\d{1,5}(,[^\s:,]+:\d{1,5})*$/;
const bootstrap = (raw: string, flag: string): string => {
  if (!BOOTSTRAP.test(raw)) throw new UsageError(`${flag} must be host:port (or a comma-separated list of them), got "${raw}"`);
  return raw;
};
const topicPrefix = (raw: string, flag: string): string => {
  if (!/^[a-zA-Z0-9._-]+$/.test(raw)) throw new UsageError(`${flag} may only contain letters, digits, '.', '_' and '-', got "${raw}"`);
  return raw;
};
const text = (raw: string, flag: string): string => {
  if (raw.trim() === '') throw new UsageError(`${flag} must not be empty`);
  return raw;
};
const int =
  (min: number) =>
  (raw: string, flag: string): number => {
    const n = Number(raw);
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min) {
      throw new UsageError(`${flag} must be ${min === 0 ? 'a non-negative' : min === 1 ? 'a positive' : 'an'} integer, got "${raw}"`);
    }
    return n;
  };

const SERVICE_FLAGS: Readonly<Record<string, Flag>> = {
  '--kafka': { kind: 'value', parse: bootstrap },
  '--group': { kind: 'value', parse: text },
  '--partitions': { kind: 'value', parse: int(1) },
  '--session-timeout': { kind: 'value', parse: int(1) },
  '--client-id': { kind: 'value', parse: text },
  '--topic-prefix': { kind: 'value', parse: topicPrefix },
};

const PUBLISH_FLAGS: Readonly<Record<string, Flag>> = {
  '--kafka': { kind: 'value', parse: bootstrap },
  '--records': { kind: 'value', parse: int(0) },
  '--rate': { kind: 'value', parse: int(0) },
  '--seed': { kind: 'value', parse: int(Number.MIN_SAFE_INTEGER) },
  '--no-models': { kind: 'switch' },
  '--partitions': { kind: 'value', parse: int(1) },
  '--topic-prefix': { kind: 'value', parse: topicPrefix },
};

const DEMO_FLAGS: Readonly<Record<string, Flag>> = {
  '--records': { kind: 'value', parse: int(1) },
  '--rate': { kind: 'value', parse: int(1) },
  '--seed': { kind: 'value', parse: int(Number.MIN_SAFE_INTEGER) },
};

/** Parses the options of `demo:kafka` (`--help` is handled before); throws `UsageError`. */
export function parseDemoArgs(argv: readonly string[]): DemoCliOptions {
  const { values } = parseFlags(argv, DEMO_FLAGS, 'demo:kafka');
  return {
    records: (values.get('--records') as number | undefined) ?? DEFAULT_RECORDS,
    rate: (values.get('--rate') as number | undefined) ?? DEFAULT_RATE,
    seed: (values.get('--seed') as number | undefined) ?? DEFAULT_SEED,
  };
}

/** Parses the options of the Kafka mode (`argv` without node and the script; `--help` is handled before); throws `UsageError`. */
export function parseKafkaServiceArgs(argv: readonly string[]): KafkaServiceCliOptions {
  const { values } = parseFlags(argv, SERVICE_FLAGS, '--kafka');
  const server = values.get('--kafka') as string | undefined;
  if (server === undefined) throw new UsageError('--kafka <bootstrap> is required');
  return {
    bootstrap: server,
    group: (values.get('--group') as string | undefined) ?? DEFAULT_GROUP,
    partitions: (values.get('--partitions') as number | undefined) ?? DEFAULT_PARTITIONS,
    sessionTimeoutMs: (values.get('--session-timeout') as number | undefined) ?? DEFAULT_SESSION_TIMEOUT_MS,
    clientId: values.get('--client-id') as string | undefined,
    topicPrefix: (values.get('--topic-prefix') as string | undefined) ?? '',
  };
}

/** Parses the options of `publish` (`argv` after the word `publish`); throws `UsageError`. */
export function parsePublishArgs(argv: readonly string[]): PublishCliOptions {
  const { values, switches } = parseFlags(argv, PUBLISH_FLAGS, 'publish');
  const server = values.get('--kafka') as string | undefined;
  if (server === undefined) throw new UsageError('publish: --kafka <bootstrap> is required');
  const rate = (values.get('--rate') as number | undefined) ?? DEFAULT_RATE;
  return {
    bootstrap: server,
    records: (values.get('--records') as number | undefined) ?? DEFAULT_RECORDS,
    seed: (values.get('--seed') as number | undefined) ?? DEFAULT_SEED,
    rate: rate === 0 ? undefined : rate,
    models: !switches.has('--no-models'),
    partitions: (values.get('--partitions') as number | undefined) ?? DEFAULT_PARTITIONS,
    topicPrefix: (values.get('--topic-prefix') as string | undefined) ?? '',
  };
}
