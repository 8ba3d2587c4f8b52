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
 * The model is delivered in-process (no watcher, no endpoints): what is measured is the scoring path.
 * The result is the number of records scored and predicted to fail — independent of output order.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serializeModel, startEmbedded, trainCpuHeavyModel, type ScoredRecord } from '@tributary/example-model-serving';
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
