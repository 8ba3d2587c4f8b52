/** The command line of the model-serving example, parsed. */
export interface CliOptions {
  readonly records: number;
  /** Records per second. */
  readonly rate: number;
  readonly seed: number;
  readonly serve: boolean;
  /** The endpoints' port; `null`: `DEFAULT_PORT`, or a free one if that is taken. */
  readonly port: number | null;
  /** Direct ingest: clients send the records (`POST /score` or `ws://…/score`); `null`: the generator. */
  readonly ingest: 'http' | 'ws' | null;
  /** Worker threads to score on; `null`: score in the main thread. */
  readonly workers: number | null;
  readonly help: boolean;
}

/** A command line the example cannot run: the message says what is wrong, `USAGE` says what is right. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const DEFAULT_RECORDS = 20_000;
export const DEFAULT_SEED = 42;
/**
 * Records per second unless `--rate` says otherwise: the default run takes a few seconds, long enough
 * to watch the progress lines and the model swaps (a run at full speed is over before the first
 * model file has been read).
 */
export const DEFAULT_RATE = 5000;
/** Where the endpoints listen unless `--port` says otherwise (on 127.0.0.1). */
export const DEFAULT_PORT = 8080;

export const USAGE = `usage: npm start -w examples/model-serving -- [options]

Generated sensor records are scored by the latest model; the three shipped models
(examples/model-serving/models) arrive at the start, a third and two thirds of the way through.

options:
  --records <n>   records to generate (default ${DEFAULT_RECORDS.toLocaleString('en-US')}); models drop at thirds of this
  --rate <n>      records per second (default ${DEFAULT_RATE.toLocaleString('en-US')}; e.g. 1000000 for as fast as it goes)
  --seed <n>      seed of the record generator: the same seed, the same records (default ${DEFAULT_SEED})
  --serve         keep generating after --records until Ctrl-C, then drain and print the summary
  --port <n>      port of the endpoints on 127.0.0.1 (default ${DEFAULT_PORT}, or a free one if it is taken;
                  0 = any free port): GET /state, GET /scored (server-sent events),
                  ws://…/scored (WebSocket), POST /models
  --workers <n>   score on n worker threads (records partitioned by device, every model to every worker)
  --ingest <how>  direct ingest instead of the generator: clients send records and get them back scored,
                  "http": POST /score with NDJSON (streamed reply), "ws": ws://…/score messages;
                  all shipped models are dropped at the start; serves until Ctrl-C
  -h, --help      show this help

Kafka mode: --kafka <bootstrap> [options], and the publish command; --kafka --help lists their options.`;

/** An option: one that takes a value (checked by `parse`), or a switch. */
export type Flag = { readonly kind: 'value'; readonly parse: (raw: string, flag: string) => number | string } | { readonly kind: 'switch' };

const positiveInt = (raw: string, flag: string): number => {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive integer, got "${raw}"`);
  return n;
};

const integer = (raw: string, flag: string): number => {
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(n)) throw new UsageError(`${flag} must be an integer, got "${raw}"`);
  return n;
};

const port = (raw: string, flag: string): number => {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65535) throw new UsageError(`${flag} must be a port number from 0 to 65535, got "${raw}"`);
  return n;
};

const ingestTransport = (raw: string, flag: string): string => {
  if (raw !== 'http' && raw !== 'ws') throw new UsageError(`${flag} must be "http" or "ws", got "${raw}"`);
  return raw;
};

const FLAGS: Readonly<Record<string, Flag>> = {
  '--records': { kind: 'value', parse: positiveInt },
  '--rate': { kind: 'value', parse: positiveInt },
  '--seed': { kind: 'value', parse: integer },
  '--serve': { kind: 'switch' },
  '--port': { kind: 'value', parse: port },
  '--workers': { kind: 'value', parse: positiveInt },
  '--ingest': { kind: 'value', parse: ingestTransport },
  '--help': { kind: 'switch' },
};

/** Parses `argv` (without node and the script); throws `UsageError` on anything it does not know. */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  const { values, switches } = parseFlags(argv, FLAGS);
  const serve = switches.has('--serve');
  const num = (name: string): number | undefined => values.get(name) as number | undefined;
  const ingest = (values.get('--ingest') as 'http' | 'ws' | undefined) ?? null;
  if (ingest !== null) {
    for (const generatorOnly of ['--records', '--rate', '--seed', '--serve', '--workers']) {
      if (values.has(generatorOnly) || switches.has(generatorOnly)) {
        throw new UsageError(
          generatorOnly === '--workers'
            ? '--workers cannot be combined with --ingest (replies find their connection by the record object, which a worker thread only sees a copy of)'
            : `${generatorOnly} is for generated records; with --ingest the clients send the records (and the run serves until Ctrl-C)`,
        );
      }
    }
  }
  return {
    records: num('--records') ?? DEFAULT_RECORDS,
    rate: num('--rate') ?? DEFAULT_RATE,
    seed: num('--seed') ?? DEFAULT_SEED,
    serve,
    port: num('--port') ?? null,
    ingest,
    workers: num('--workers') ?? null,
    help: switches.has('--help'),
  };
}

/**
 * Reads `argv` against `flags` (`--name value`, `--name=value`, switches, `-h` for `--help`): each
 * option at most once, values checked by their flag. `mode` names the command in "unknown option"
 * errors. Throws `UsageError`.
 */
export function parseFlags(
  argv: readonly string[],
  flags: Readonly<Record<string, Flag>>,
  mode?: string,
): { values: Map<string, number | string>; switches: Set<string> } {
  const values = new Map<string, number | string>();
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = arg === '-h' ? '--help' : eq > 0 ? arg.slice(0, eq) : arg;
    const flag = flags[name];
    if (flag === undefined) {
      throw new UsageError(
        arg.startsWith('-') ? `unknown option ${name}${mode === undefined ? '' : ` (with ${mode})`}` : `unexpected argument "${arg}" (options start with --)`,
      );
    }
    if (values.has(name) || switches.has(name)) throw new UsageError(`${name} is given more than once`);
    if (flag.kind === 'switch') {
      if (eq > 0) throw new UsageError(`${name} takes no value`);
      switches.add(name);
      continue;
    }
    let raw: string | undefined;
    if (eq > 0) raw = arg.slice(eq + 1);
    else {
      raw = argv[i + 1];
      if (raw === undefined || raw.startsWith('--')) throw new UsageError(`${name} needs a value`);
      i++;
    }
    values.set(name, flag.parse(raw, name));
  }
  return { values, switches };
}
