import { type AddressInfo, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RATE, DEFAULT_RECORDS, DEFAULT_SEED, parseCliArgs, USAGE, UsageError } from '../src/cli/parseCliArgs.js';
import { type CliIo, runCli } from '../src/cli/runCli.js';
import type { EmbeddedRun } from '../src/pipeline/runEmbedded.js';
import { RecordingLogger } from './scoringProbes.js';

function usageError(argv: string[]): string {
  try {
    parseCliArgs(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`expected ${argv.join(' ')} to be refused`);
}

describe('parseCliArgs', () => {
  it('defaults: 20,000 records at 5,000 a second, seed 42, not serving', () => {
    expect(parseCliArgs([])).toEqual({
      records: DEFAULT_RECORDS,
      rate: DEFAULT_RATE,
      seed: DEFAULT_SEED,
      serve: false,
      port: null,
      ingest: null,
      workers: null,
      help: false,
    });
    expect(DEFAULT_RECORDS).toBe(20_000);
  });

  it('reads every option, as "--flag value" or "--flag=value"', () => {
    expect(parseCliArgs(['--records', '500', '--rate=250', '--seed', '-7', '--serve', '--port', '0'])).toEqual({
      records: 500,
      rate: 250,
      seed: -7,
      serve: true,
      port: 0,
      ingest: null,
      workers: null,
      help: false,
    });
    expect(parseCliArgs(['--port=8081']).port).toBe(8081);
    expect(parseCliArgs(['--workers', '2']).workers).toBe(2);
    expect(parseCliArgs(['--ingest', 'ws', '--port', '9000'])).toMatchObject({ ingest: 'ws', port: 9000 });
    expect(parseCliArgs(['--ingest=http']).ingest).toBe('http');
    expect(parseCliArgs(['-h']).help).toBe(true);
    expect(parseCliArgs(['--help']).help).toBe(true);
  });

  it('refuses what it does not know, saying what is wrong', () => {
    expect(usageError(['--kafka', 'localhost:9092'])).toBe('unknown option --kafka');
    expect(usageError(['--workers=0'])).toBe('--workers must be a positive integer, got "0"');
    expect(usageError(['--ingest', 'kafka'])).toBe('--ingest must be "http" or "ws", got "kafka"');
    expect(usageError(['--ingest', 'http', '--records', '10'])).toBe(
      '--records is for generated records; with --ingest the clients send the records (and the run serves until Ctrl-C)',
    );
    expect(usageError(['--ingest', 'ws', '--workers', '2'])).toMatch(/^--workers cannot be combined with --ingest/);
    expect(usageError(['20000'])).toBe('unexpected argument "20000" (options start with --)');
    expect(usageError(['--records'])).toBe('--records needs a value');
    expect(usageError(['--records', '--serve'])).toBe('--records needs a value');
    expect(usageError(['--records', '0'])).toBe('--records must be a positive integer, got "0"');
    expect(usageError(['--records', '1e3'])).toBe('--records must be a positive integer, got "1e3"');
    expect(usageError(['--rate', 'fast'])).toBe('--rate must be a positive integer, got "fast"');
    expect(usageError(['--seed', '4.5'])).toBe('--seed must be an integer, got "4.5"');
    expect(usageError(['--serve=yes'])).toBe('--serve takes no value');
    expect(usageError(['--seed', '1', '--seed', '2'])).toBe('--seed is given more than once');
    expect(usageError(['--port', '65536'])).toBe('--port must be a port number from 0 to 65535, got "65536"');
    expect(usageError(['--port', '-1'])).toBe('--port must be a port number from 0 to 65535, got "-1"');
  });
});

function io(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  let stopHandler: (() => void) | null = null;
  let unregistered = false;
  let run: EmbeddedRun | null = null;
  const cliIo: CliIo = {
    started: (r) => (run = r),
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    logger: new RecordingLogger(),
    onStopSignal: (stop) => {
      stopHandler = stop;
      return () => {
        unregistered = true;
      };
    },
  };
  return {
    run: () => runCli(argv, cliIo),
    out,
    err,
    stop: () => stopHandler?.(),
    unregistered: () => unregistered,
    scored: () => run?.scoring.stats().scored ?? 0,
  };
}

describe('runCli', () => {
  it('exits 2 with the message and the usage on an unknown option, running nothing', async () => {
    const cli = io(['--kafka-nope', 'x']);
    expect(await cli.run()).toBe(2);
    expect(cli.err).toEqual([`model-serving: unknown option --kafka-nope\n\n${USAGE}`]);
    expect(cli.out).toEqual([]);
  });

  it('--help prints the usage and exits 0', async () => {
    const cli = io(['--help']);
    expect(await cli.run()).toBe(0);
    expect(cli.out).toEqual([USAGE]);
  });

  it('runs the embedded mode, prints the summary with "scored" in it, exits 0 and releases the stop signal', async () => {
    const cli = io(['--records', '1200', '--rate', '100000', '--seed', '3', '--port', '0']);
    expect(await cli.run()).toBe(0);
    expect(cli.out[0]).toBe('model-serving (embedded): 1,200 records, seed 3, 100,000 records/s');
    expect(cli.out[1]).toMatch(
      /^endpoints: GET http:\/\/127\.0\.0\.1:\d+\/state · GET http:\/\/127\.0\.0\.1:\d+\/scored \(server-sent events\) · ws:\/\/127\.0\.0\.1:\d+\/scored \(WebSocket\) · POST http:\/\/127\.0\.0\.1:\d+\/models · GET http:\/\/127\.0\.0\.1:\d+\/inspect\/ \(live inspector\)$/,
    );
    expect(cli.out.at(-1)).toMatch(/1,200 records out in .*: 1,200 scored, 0 unscored/);
    expect(cli.err).toEqual([]);
    expect(cli.unregistered()).toBe(true);
  });

  it('exits 1 with the reason when the endpoints cannot listen on the --port given', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      const cli = io(['--records', '100', '--port', String(port)]);
      expect(await cli.run()).toBe(1);
      expect(cli.err).toEqual([expect.stringMatching(new RegExp(`^model-serving: could not start: .*EADDRINUSE.*${port}`))]);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it('a stop signal during --serve drains and exits 0', async () => {
    const cli = io(['--serve', '--records', '300', '--rate', '20000', '--port', '0']);
    const exit = cli.run();
    while (cli.scored() <= 600) await new Promise<void>((r) => setTimeout(r, 5)); // past --records: still going
    cli.stop();
    expect(await exit).toBe(0);
    expect(cli.out).toContain('stopping: draining in-flight records…');
    expect(cli.out.at(-1)).toMatch(/scored/);
    expect(cli.unregistered()).toBe(true);
  });
});
