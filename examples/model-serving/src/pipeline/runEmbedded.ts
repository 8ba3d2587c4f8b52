import { Keep, KillSwitches, Materializer, Sink, type StreamLogger } from '@tributary/core';
import type { ScoredRecord } from '../domain/ScoredRecord.js';
import { sensorRecords } from '../generator/sensorRecords.js';
import type { ScoringState, ScoringStats } from '../scoring/ScoringState.js';
import { shippedModelsDir } from '../shippedModelsDir.js';
import { ModelDropSchedule } from './ModelDropSchedule.js';
import { modelServingGraph } from './modelServingGraph.js';
import { ProgressReporter } from './ProgressReporter.js';
import { summaryTable } from './summaryTable.js';

export interface EmbeddedOptions {
  /** Records to generate; the models are dropped at thirds of this count. */
  readonly records: number;
  readonly seed: number;
  /** Records per second; omitted = as fast as the pipeline goes. */
  readonly rate?: number;
  /** Keep generating after `records` until `stop()` is called. */
  readonly serve?: boolean;
  /** Where the model documents come from. Default: the shipped models. */
  readonly modelsDir?: string;
  readonly materializer?: Materializer;
  /** Progress lines and the summary. Default `console.log`. */
  readonly print?: (line: string) => void;
  /** Model swaps, rejected models, bad records. Default `console`. */
  readonly logger?: StreamLogger;
  readonly progressIntervalMs?: number;
  /** Called with every scored record, in order (the in-process "scored sink"). */
  readonly onScored?: (record: ScoredRecord) => void;
  /** Creation and scoring timestamps. Default: the process clock (epoch ms, sub-ms resolution). */
  readonly clock?: () => number;
}

export interface EmbeddedSummary {
  readonly stats: ScoringStats;
  readonly elapsedMs: number;
  /** The printed summary table. */
  readonly table: string;
}

export interface EmbeddedRun {
  /** The scoring stage's queryable state, live while the run goes on. */
  readonly scoring: ScoringState;
  /** Stops generating; records already generated are scored, then `done` resolves. */
  stop(): void;
  /** Resolves after the last record was scored and the summary printed; rejects if the stream failed. */
  readonly done: Promise<EmbeddedSummary>;
}

/**
 * The embedded mode on core alone: generated records and the shipped models (dropped at thirds of
 * the run) meet in the scoring stage; scored records go to an in-process sink. Prints a progress line
 * every `progressIntervalMs` (default 1 s) and a summary table at the end.
 */
export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedRun> {
  const { records, seed, rate, serve = false, modelsDir = shippedModelsDir, print = console.log, progressIntervalMs = 1000, onScored } = options;
  const materializer = options.materializer ?? Materializer.default;
  const scheduler = materializer.scheduler;
  const drops = await ModelDropSchedule.fromDirectory(modelsDir, records);
  const generated = sensorRecords({ seed, ...(serve ? {} : { count: records }), ...(rate === undefined ? {} : { rate }), ...(options.clock ? { clock: options.clock } : {}) });
  const graph = modelServingGraph({
    data: generated.viaMat(KillSwitches.single(), Keep.right).via(drops.tap()),
    models: drops.source(),
    scored: onScored === undefined ? Sink.ignore() : Sink.foreach(onScored),
    scoring: { ...(options.logger ? { logger: options.logger } : {}), ...(options.clock ? { clock: options.clock } : {}) },
  });
  const startedAt = scheduler.now();
  const { data: killSwitch, scoring, scored } = graph.run(materializer);
  const progress = new ProgressReporter(scheduler, progressIntervalMs, scoring, print);
  progress.start();
  const done = scored.then(
    () => {
      progress.stop();
      const elapsedMs = scheduler.now() - startedAt;
      const stats = scoring.stats();
      const table = summaryTable(stats, elapsedMs);
      print(table);
      return { stats, elapsedMs, table };
    },
    (error: unknown) => {
      progress.stop();
      throw error;
    },
  );
  return { scoring, stop: () => killSwitch.shutdown(), done };
}
