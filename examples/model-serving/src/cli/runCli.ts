import type { StreamLogger } from '@tributary/core';
import { startEmbedded, type EmbeddedRun } from '../pipeline/runEmbedded.js';
import { parseCliArgs, UsageError, USAGE } from './parseCliArgs.js';
import { isKafkaServiceCommand, runKafkaCli, runPublishCli } from '../kafka/runKafkaCli.js';

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
  const { records, seed, rate, serve } = options;
  const count = records.toLocaleString('en-US');
  io.out(`model-serving (embedded): ${serve ? `${count} records, then more until Ctrl-C` : `${count} records`}, seed ${seed}, ${rate.toLocaleString('en-US')} records/s`);
  const run = await startEmbedded({ records, seed, serve, rate, print: io.out, logger: io.logger });
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
