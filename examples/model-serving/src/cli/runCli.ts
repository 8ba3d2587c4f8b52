import type { StreamLogger } from '@tributary/core';
import { isKafkaServiceCommand, runKafkaCli, runPublishCli } from '../kafka/runKafkaCli.js';
import { type EmbeddedOptions, type EmbeddedRun, startEmbedded } from '../pipeline/runEmbedded.js';
import { DEFAULT_PORT, parseCliArgs, USAGE, UsageError } from './parseCliArgs.js';

const ENDPOINTS_HOST = '127.0.0.1';

const isAddressInUse = (e: unknown): boolean => e instanceof Error && (e as NodeJS.ErrnoException).code === 'EADDRINUSE';

/** Starts the run on `--port`, or on the default port, falling back to a free one when that is taken. */
async function startWithEndpoints(options: Omit<EmbeddedOptions, 'http'>, port: number | null, io: CliIo): Promise<EmbeddedRun> {
  if (port !== null) return startEmbedded({ ...options, http: { host: ENDPOINTS_HOST, port } });
  try {
    return await startEmbedded({ ...options, http: { host: ENDPOINTS_HOST, port: DEFAULT_PORT } });
  } catch (e) {
    if (!isAddressInUse(e)) throw e;
    io.out(`port ${DEFAULT_PORT} is taken: serving the endpoints on a free port instead (choose one with --port)`);
    return startEmbedded({ ...options, http: { host: ENDPOINTS_HOST, port: 0 } });
  }
}

/** Where the command line program writes, and how it learns it should stop (Ctrl-C). */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly logger: StreamLogger;
  /** Registers `stop` for the stop signals; returns a function that unregisters it. */
  readonly onStopSignal: (stop: () => void) => () => void;
  /** Observes the run once started (tests use it to stop a `--serve` run). */
  readonly started?: (run: EmbeddedRun) => void;
}

/**
 * The model-serving program: parses `argv`, runs the embedded mode, prints progress and the summary.
 * Resolves with the exit code: 0 after the summary, 2 on a bad command line, 1 if the stream failed.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv[0] === 'publish') return runPublishCli(argv.slice(1), io);
  if (isKafkaServiceCommand(argv)) return runKafkaCli(argv, io);
  let options;
  try {
    options = parseCliArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`model-serving: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    io.out(USAGE);
    return 0;
  }
  const { records, seed, rate, serve, workers, ingest } = options;
  const count = records.toLocaleString('en-US');
  if (ingest !== null) io.out(`model-serving (direct ingest over ${ingest === 'http' ? 'HTTP' : 'WebSocket'}): clients send the records, until Ctrl-C`);
  else
    io.out(
      `model-serving (embedded): ${serve ? `${count} records, then more until Ctrl-C` : `${count} records`}, seed ${seed}, ${rate.toLocaleString('en-US')} records/s${workers === null ? '' : `, scoring on ${workers} worker thread${workers === 1 ? '' : 's'}`}`,
    );
  let run: EmbeddedRun;
  try {
    run = await startWithEndpoints(
      { records, seed, serve, rate, print: io.out, logger: io.logger, ...(workers === null ? {} : { workers }), ...(ingest === null ? {} : { ingest }) },
      options.port,
      io,
    );
  } catch (e) {
    io.err(`model-serving: could not start: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  const base = `http://${ENDPOINTS_HOST}:${run.endpoints!.port}`;
  io.out(
    `endpoints: GET ${base}/state · GET ${base}/scored (server-sent events) · ws://${ENDPOINTS_HOST}:${run.endpoints!.port}/scored (WebSocket) · POST ${base}/models · GET ${base}/inspect/ (live inspector)`,
  );
  if (ingest === 'http') io.out(`send records: POST ${base}/score (NDJSON, one record per line; the reply streams one scored record per line)`);
  if (ingest === 'ws') io.out(`send records: ws://${ENDPOINTS_HOST}:${run.endpoints!.port}/score (one record per message; one reply message per record)`);
  io.out(`models are dropped into ${run.modelsDirectory!} (watched; a *.json model written there is picked up too)`);
  const unregister = io.onStopSignal(() => {
    io.out('stopping: draining in-flight records…');
    run.stop();
  });
  io.started?.(run);
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
