/**
 * modelServing: the main example's scoring, end to end through `startEmbedded` (generator → drop
 * schedule → ModelScoringStage → scored sink), as fast as it goes.
 *
 * - `modelServingWorkers`: N records scored by a CPU-heavy model (a 300-tree ensemble of depth 8,
 *   trained once before the runs, ~1.8 MB of JSON) in the stream's own thread, on `--workers 1` and on
 *   `--workers 2` (records partitioned by device, the model sent to every worker). The figure that
 *   matters is `× workers-1` of `workers-2` (target ≥ 1.7 on 2 idle cores). Worker runs include
 *   starting the threads and each worker parsing the model.
 *
 *   The model is delivered in-process (no watcher, no endpoints): what is measured is the scoring
 *   path. The result is the number of records scored and predicted to fail — independent of order.
 * - `modelServingModes`: N records end to end in the embedded mode (models in-process; and as
 *   `npm start` runs it, with the watched directory and the endpoints) and in the direct-WebSocket
 *   mode (a `WebSocket.clientFlow` client in this process sends the records to `ws://…/score` and
 *   takes the replies). After each run its latency from record creation to scored (p50/p99, from the
 *   scoring state) is printed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sink, Source } from '@tributary/core';
import {
  type EmbeddedRun,
  type ScoredRecord,
  type ScoringStats,
  sensorRecords,
  serializeModel,
  startEmbedded,
  trainCpuHeavyModel,
} from '@tributary/example-model-serving';
import { WebSocket } from '@tributary/ws';
import type { Contender, Scenario } from '../harness.js';

const quiet = { debug: () => {}, info: () => {}, warn: (m: string) => console.warn(m), error: (m: string) => console.error(m) };

/** A models directory holding only the CPU-heavy model, trained on first use. */
let heavyModelDir: string | null = null;
function heavyModelDirectory(): string {
  if (heavyModelDir === null) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-model-serving-'));
    writeFileSync(join(dir, '1-cpu-heavy.json'), serializeModel(trainCpuHeavyModel(300, 8)));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    heavyModelDir = dir;
  }
  return heavyModelDir;
}

async function scoreAll(records: number, workers: number | undefined): Promise<{ scored: number; predictedToFail: number }> {
  let predictedToFail = 0;
  const run = await startEmbedded({
    records,
    seed: 42,
    modelDelivery: 'in-process',
    modelsDir: heavyModelDirectory(),
    print: () => {},
    logger: quiet,
    progressIntervalMs: 60_000,
    ...(workers === undefined ? {} : { workers }),
    onScored: (r: ScoredRecord) => {
      if (r.prediction === 1) predictedToFail++;
    },
  });
  const { stats } = await run.done;
  return { scored: stats.scored, predictedToFail };
}

function contender(name: string, workers: number | undefined, note: string, n: number): Contender {
  return { name, note, setup: () => void heavyModelDirectory(), run: () => scoreAll(n, workers) };
}

export function modelServingWorkers(n: number): Scenario {
  return {
    name: 'modelServingWorkers',
    description: 'generated sensor records → ModelScoringStage with a 300-tree depth-8 ensemble → count: in-thread vs --workers 1 vs --workers 2',
    elements: n,
    baseline: 'in-thread',
    subject: 'workers-1',
    contenders: [
      contender('in-thread', undefined, 'startEmbedded: the scoring stage in the stream (one core)', n),
      contender('workers-1', 1, 'startEmbedded({ workers: 1 }): WorkerFlow.partitioned, 1 thread (thread start and model parse included)', n),
      contender('workers-2', 2, 'startEmbedded({ workers: 2 }): WorkerFlow.partitioned by deviceId, 2 threads, every model to both', n),
    ],
  };
}

/** The latency of the run that just ended, printed under the contender's name (the table has times only). */
function printLatency(name: string, stats: ScoringStats | null): void {
  if (stats === null) return;
  const ms = (v: number | null) => (v === null ? '-' : `${v.toFixed(3)} ms`);
  console.log(
    `  ${name}: ${stats.scored.toLocaleString('en-US')} scored · latency creation → scored p50 ${ms(stats.latency.p50Ms)}, p99 ${ms(stats.latency.p99Ms)}`,
  );
}

function embeddedContender(name: string, n: number, note: string, options: { readonly endpoints: boolean }): Contender {
  let last: ScoringStats | null = null;
  return {
    name,
    note,
    run: async () => {
      const run = await startEmbedded({
        records: n,
        seed: 42,
        print: () => {},
        logger: quiet,
        progressIntervalMs: 60_000,
        ...(options.endpoints ? { http: { host: '127.0.0.1', port: 0 } } : { modelDelivery: 'in-process' as const }),
      });
      last = (await run.done).stats;
      return { scored: last.scored };
    },
    teardown: () => printLatency(name, last),
  };
}

/** Direct ingest over WebSocket: a client (our `WebSocket.clientFlow`, in this process) sends N generated records to `ws://…/score` and takes N replies. */
function directWebSocketContender(n: number): Contender {
  let service: EmbeddedRun | null = null;
  let last: ScoringStats | null = null;
  return {
    name: 'direct-ws',
    note: 'startEmbedded({ ingest: "ws" }) (set up untimed: server, models) ← WebSocket.clientFlow sending sensorRecords as JSON messages, N replies taken',
    setup: async () => {
      service = await startEmbedded({
        records: 1,
        seed: 1,
        ingest: 'ws',
        http: { host: '127.0.0.1', port: 0 },
        print: () => {},
        logger: quiet,
        progressIntervalMs: 60_000,
      });
      while (service.scoring.current()?.name !== 'boosted-trees') await new Promise((r) => setTimeout(r, 5));
    },
    run: async () => {
      const url = `ws://127.0.0.1:${service!.endpoints!.port}/score`;
      const scored = await sensorRecords({ seed: 42, count: n })
        .map((r) => JSON.stringify(r))
        .concat(Source.never<string>())
        .via(WebSocket.clientFlow(url))
        .take(n)
        .runWith(Sink.fold(0, (count, reply: string | Buffer) => count + (String(reply).startsWith('{"record"') ? 1 : 0)));
      return { scored };
    },
    teardown: async () => {
      const s = service!;
      service = null;
      s.stop();
      last = (await s.done).stats;
      printLatency('direct-ws', last);
    },
  };
}

export function modelServingModes(n: number): Scenario {
  return {
    name: 'modelServingModes',
    description:
      'N generated sensor records scored end to end (3 shipped models; the last does most): embedded, embedded with the npm-start plumbing, direct WebSocket ingest',
    elements: n,
    baseline: 'embedded',
    subject: 'embedded',
    contenders: [
      embeddedContender('embedded', n, 'startEmbedded, models delivered in-process, no endpoints (the scoring path alone)', { endpoints: false }),
      embeddedContender(
        'embedded-npm-start',
        n,
        'startEmbedded as `npm start` runs it, unthrottled: models through the watched directory, endpoints bound, BroadcastHub on the scored path',
        { endpoints: true },
      ),
      directWebSocketContender(n),
    ],
  };
}
