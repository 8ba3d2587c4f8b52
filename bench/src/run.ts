/**
 * Runs the side-by-side benchmarks and prints one table per scenario.
 *
 *   node bench/dist/run.js                   # every scenario
 *   node bench/dist/run.js filterMapReduce   # only the named ones
 *
 * Environment: BENCH_RUNS (measured runs, default 7), BENCH_WARMUP (warmup rounds, default 2),
 * BENCH_ELEMENTS (override every scenario's N, e.g. for a quick smoke run), BENCH_TIMEOUT_MS.
 * Results are also written to bench/results/latest.json.
 */
import { formatMachine, formatScenario, machineInfo, optionsFromEnv, runScenario, type Scenario, type ScenarioResult, saveResults } from './harness.js';
import { asyncBoundary } from './scenarios/asyncBoundary.bench.js';
import { fileDefaultBytes, fileScenarios } from './scenarios/file.bench.js';
import { fileLines } from './scenarios/fileLines.bench.js';
import { filterMapReduce } from './scenarios/filterMapReduce.bench.js';
import { graphScenarios } from './scenarios/graph.bench.js';
import { gzip } from './scenarios/gzip.bench.js';
import { httpScenarios } from './scenarios/http.bench.js';
import { kafkaScenarios } from './scenarios/kafka.bench.js';
import { lines } from './scenarios/lines.bench.js';
import { mapAsyncOrdered, mapAsyncUnordered } from './scenarios/mapAsync.bench.js';
import { modelServingModes, modelServingWorkers } from './scenarios/modelServing.bench.js';
import { modelServingKafka } from './scenarios/modelServingKafka.bench.js';
import { scanReduce } from './scenarios/scanReduce.bench.js';
import { skipRepeats } from './scenarios/skipRepeats.bench.js';
import { slice } from './scenarios/slice.bench.js';
import { slowConsumer } from './scenarios/slowConsumer.bench.js';
import { workerCpu, workerPerElement, workerThroughput } from './scenarios/worker.bench.js';
import { wsScenarios } from './scenarios/ws.bench.js';

/** Every scenario, by name, with its default element count. To add one: write scenarios/x.bench.ts and list it here. */
const scenarios: Readonly<Record<string, (elements: number) => Scenario>> = {
  filterMapReduce: (n) => filterMapReduce(n),
  scanReduce: (n) => scanReduce(n),
  slice: (n) => slice(n),
  skipRepeats: (n) => skipRepeats(n), // @most/core's perf suite: drop(N/4) → take(N/2); skipRepeats
  mapAsync: (n) => mapAsyncOrdered(n),
  mapAsyncUnordered: (n) => mapAsyncUnordered(n),
  asyncBoundary: (n) => asyncBoundary(n),
  slowConsumer: (n) => slowConsumer(n),
  ...graphScenarios, // concatMap, merge, zip, chain, switch, mergeNested2, mergeNested100
  lines: (n) => lines(n),
  gzip: (n) => gzip(n), // N = bytes of input
  ...kafkaScenarios, // starts its own Kafka broker (needs Java + Maven)
  ...fileScenarios, // fileRead, fileRead64k, fileReadDefaults, fileWrite, fileWrite8k: N is a number of bytes
  fileLines: (n) => fileLines(n), // N = bytes of the log file
  ...httpScenarios, // httpGets, httpServe, httpUpload, httpDownload (servers in child processes)
  workerCpu: (n) => workerCpu(n),
  workerThroughput: (n) => workerThroughput(n),
  workerPerElement: (n) => workerPerElement(n), // worker threads (@tributary/worker)
  modelServingWorkers: (n) => modelServingWorkers(n),
  modelServingModes: (n) => modelServingModes(n), // the main example (examples/model-serving)
  ...wsScenarios, // wsEcho (N messages), wsBinary (N MiB): @tributary/ws vs raw ws, in-process server and client
  modelServingKafka: (n) => modelServingKafka(n), // the model-serving example's Kafka mode vs a raw kafkajs service (its own broker)
};
const defaultElements: Readonly<Record<string, number>> = {
  concatMap: 1_000_000,
  merge: 1_000_000,
  zip: 100_000,
  chain: 1_000_000,
  switch: 10_000_000,
  mergeNested2: 10_000,
  mergeNested100: 10_000, // N: chain/switch total (1000 inner streams), mergeNested per range
  filterMapReduce: 1_000_000,
  scanReduce: 1_000_000,
  slice: 1_000_000,
  skipRepeats: 1_000_000,
  mapAsync: 100_000,
  mapAsyncUnordered: 100_000,
  asyncBoundary: 1_000_000,
  slowConsumer: 100_000,
  lines: 100 * 2 ** 20,
  gzip: 64 * 2 ** 20,
  httpGets: 10_000,
  httpServe: 20_000,
  httpUpload: 1024,
  httpDownload: 1024, // requests; MiB for the transfers
  workerCpu: 100_000,
  workerThroughput: 1_000_000,
  workerPerElement: 100_000,
  modelServingWorkers: 20_000,
  modelServingModes: 20_000,
  wsEcho: 1_000_000,
  wsBinary: 1024, // messages; MiB
  kafkaConsume1p: 1_000_000,
  kafkaConsume8p: 1_000_000,
  kafkaCopy1p: 200_000,
  kafkaCopy8p: 200_000, // kafkajs produces ~40k records/s here
  ...fileDefaultBytes,
  fileLines: 100 * 2 ** 20,
  modelServingKafka: 50_000,
};

async function main(): Promise<void> {
  const requested = process.argv.slice(2);
  const unknown = requested.filter((name) => !(name in scenarios));
  if (unknown.length > 0) {
    console.error(`unknown scenario(s): ${unknown.join(', ')}; available: ${Object.keys(scenarios).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const names = requested.length > 0 ? requested : Object.keys(scenarios);
  const override = process.env['BENCH_ELEMENTS'];
  const elementsOverride = override !== undefined && override !== '' ? Number(override) : undefined;
  if (elementsOverride !== undefined && !(Number.isInteger(elementsOverride) && elementsOverride > 0)) {
    throw new RangeError(`BENCH_ELEMENTS must be a positive integer, got ${JSON.stringify(override)}`);
  }

  const options = optionsFromEnv();
  const machine = machineInfo();
  console.log(formatMachine(machine, options));

  const results: ScenarioResult[] = [];
  for (const name of names) {
    const scenario = scenarios[name]!(elementsOverride ?? defaultElements[name] ?? 1_000_000);
    const started = performance.now();
    try {
      const result = await runScenario(scenario, options);
      results.push(result);
      console.log(`\n${formatScenario(result, options)}`);
      if (scenario.report !== undefined) console.log(scenario.report());
      console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      console.error(`\n## ${name} FAILED\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exitCode = 1;
    }
  }
  const file = saveResults(machine, options, results);
  console.log(`\nresults written to ${file}`);
}

await main();
