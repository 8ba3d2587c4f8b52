import {
  BroadcastHub,
  Flow,
  type Graph,
  Keep,
  KillSwitches,
  Materializer,
  MergeHub,
  Sink,
  type SinkShape,
  type Source,
  type SourceShape,
  type StreamLogger,
  type UniqueKillSwitch,
} from '@tributary/core';
import type { ServerBinding } from '@tributary/http';
import type { ScoredRecord } from '../domain/ScoredRecord.js';
import { sensorRecords } from '../generator/sensorRecords.js';
import { bindModelServingEndpoints, type IngestTransport } from '../http/ModelServingEndpoints.js';
import { IngestRouter } from '../ingest/IngestRouter.js';
import type { ScoringState, ScoringStats } from '../scoring/ScoringState.js';
import { shippedModelsDir } from '../shippedModelsDir.js';
import { workerScoringGraph } from '../workers/workerScoringGraph.js';
import { ModelDropSchedule } from './ModelDropSchedule.js';
import { modelServingGraph } from './modelServingGraph.js';
import { ProgressReporter } from './ProgressReporter.js';
import { summaryTable } from './summaryTable.js';
import { WatchedModelsDirectory } from './WatchedModelsDirectory.js';

/**
 * How the models reach the scoring stage. `watched-directory` (the default, what `npm start` runs):
 * the run drops the model files into a temporary models directory, and `DirectoryChangesSource` with
 * `FileIO` deliver them. `in-process`: the schedule emits the documents itself (no watcher, no
 * endpoints; for tests and benchmarks that measure the scoring alone).
 */
export type ModelDelivery = 'watched-directory' | 'in-process';

/** Where the HTTP endpoints listen (`GET /state`, `GET /scored`, `POST /models`). */
export interface EndpointAddress {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
}

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
  /** Default `watched-directory`. */
  readonly modelDelivery?: ModelDelivery;
  /** Serve the HTTP endpoints while the run goes on (needs `watched-directory` delivery). Default: none. */
  readonly http?: EndpointAddress;
  /**
   * Direct ingest: no generator; clients send records over `POST /score` (`http`) or
   * `ws://…/score` (`ws`) and get the scored records back on the same connection. The shipped
   * models are all dropped at the start, in name order (the last stays current). Runs until
   * `stop()`; needs `http`.
   */
  readonly ingest?: IngestTransport;
  /** Score on this many worker threads (`WorkerFlow`, records partitioned by device); omitted: in the stream's own thread. */
  readonly workers?: number;
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
  /** The HTTP endpoints' binding while the run goes on (`null` without `http`). */
  readonly endpoints: ServerBinding | null;
  /** The watched models directory (`null` with in-process delivery); removed when the run ends. */
  readonly modelsDirectory: string | null;
  /**
   * Stops generating (direct ingest: stops taking records, and waits up to 5 s for the records in
   * flight); records already taken are scored, then `done` resolves.
   */
  stop(): void;
  /**
   * Resolves after the last record was scored, the summary printed, the endpoints closed and the
   * models directory removed; rejects if the stream failed (after the same clean-up).
   */
  readonly done: Promise<EmbeddedSummary>;
}

/** How long a stopping direct-ingest run waits for the records its clients have in flight. */
const INGEST_DRAIN_DEADLINE_MS = 5000;

/** How long the endpoints' open responses (live `/scored` subscribers) get to finish when the run ends. */
const ENDPOINTS_TERMINATE_DEADLINE_MS = 2000;

/** The data end's materialized value: the switch that ends the data, and (direct ingest) where clients' records go. */
interface DataEnd {
  readonly killSwitch: UniqueKillSwitch;
  readonly clients: Graph<SinkShape<unknown>, unknown> | null;
}

/** The scored end: the in-process callback, its completion, and (with endpoints) a hub for live subscribers. */
interface ScoredEnd {
  readonly completed: Promise<void>;
  readonly live: Source<ScoredRecord> | null;
}

function scoredEnd(onScored: ((record: ScoredRecord) => void) | undefined, withLive: boolean): Graph<SinkShape<ScoredRecord>, ScoredEnd> {
  if (!withLive) {
    return Sink.foreach<ScoredRecord>(onScored ?? (() => {})).mapMaterializedValue((completed) => ({ completed, live: null }));
  }
  const observed = onScored === undefined ? Flow.create<ScoredRecord>() : Flow.create<ScoredRecord>().map((r) => (onScored(r), r));
  return observed.watchTermination(Keep.right).toMat(BroadcastHub.sink<ScoredRecord>(256), (completed, live): ScoredEnd => ({ completed, live }));
}

/**
 * The embedded mode: generated records and the shipped models (dropped at thirds of the run into a
 * watched models directory) meet in the scoring stage; scored records go to an in-process sink and,
 * with `http`, to live subscribers of the endpoints. Prints a progress line every
 * `progressIntervalMs` (default 1 s) and a summary table at the end.
 */
export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedRun> {
  const {
    records,
    seed,
    rate,
    serve = false,
    modelsDir = shippedModelsDir,
    modelDelivery = 'watched-directory',
    http,
    print = console.log,
    progressIntervalMs = 1000,
    onScored,
  } = options;
  if (modelDelivery !== 'watched-directory' && modelDelivery !== 'in-process') {
    throw new TypeError(`startEmbedded: modelDelivery must be "watched-directory" or "in-process", got ${JSON.stringify(modelDelivery)}`);
  }
  if (http !== undefined && modelDelivery !== 'watched-directory') {
    throw new TypeError('startEmbedded: the HTTP endpoints need modelDelivery "watched-directory" (POST /models writes into the watched directory)');
  }
  const { workers } = options;
  if (workers !== undefined && !(Number.isSafeInteger(workers) && workers > 0)) {
    throw new RangeError(`startEmbedded: workers must be a positive integer, got ${String(workers)}`);
  }
  const { ingest } = options;
  if (ingest !== undefined) {
    if (ingest !== 'http' && ingest !== 'ws') throw new TypeError(`startEmbedded: ingest must be "http" or "ws", got ${JSON.stringify(ingest)}`);
    if (http === undefined) throw new TypeError('startEmbedded: direct ingest needs the endpoints (http)');
    if (workers !== undefined) {
      throw new TypeError(
        'startEmbedded: direct ingest and workers cannot be combined: replies find their connection by the record object, which a worker thread receives as a copy',
      );
    }
  }
  const logger = options.logger ?? console;
  const materializer = options.materializer ?? Materializer.default;
  const scheduler = materializer.scheduler;
  const drops = await ModelDropSchedule.fromDirectory(modelsDir, records);
  const watched = modelDelivery === 'watched-directory' ? await WatchedModelsDirectory.createTemp() : null;

  const models =
    watched === null
      ? drops.source()
      : watched.source({ logger }).map((file) => {
          drops.delivered(file.path);
          return file.bytes;
        });
  // Direct ingest: records come from the clients' connections, merged; the router hands the scored
  // records back (set once the hub exists; no record can be scored before).
  let router: IngestRouter | null = null;
  const scoredRecords = ingest === undefined ? onScored : (r: ScoredRecord) => (router!.route(r), onScored?.(r));
  const data: Graph<SourceShape<unknown>, DataEnd> = ingest === undefined
    ? sensorRecords({ seed, ...(serve ? {} : { count: records }), ...(rate === undefined ? {} : { rate }), ...(options.clock ? { clock: options.clock } : {}) })
        .viaMat(KillSwitches.single(), Keep.right)
        .via(drops.tap())
        .mapMaterializedValue((killSwitch): DataEnd => ({ killSwitch, clients: null }))
    : MergeHub.source<unknown>(16).viaMat(KillSwitches.single(), (clients, killSwitch): DataEnd => ({ killSwitch, clients }));
  const ends = {
    data,
    models,
    scored: scoredEnd(scoredRecords, http !== undefined),
    scoring: { logger, ...(options.clock ? { clock: options.clock } : {}) },
  };

  const startedAt = scheduler.now();
  const running = workers === undefined ? { ...modelServingGraph(ends).run(materializer), workers: null } : workerScoringGraph(ends, workers).run(materializer);
  const { data: dataEnd, scoring, scored } = running;
  const killSwitch = dataEnd.killSwitch;
  if (dataEnd.clients !== null) router = new IngestRouter(dataEnd.clients, materializer);
  // Keeps the hub flowing while no subscriber is attached (a hub without consumers backpressures).
  scored.live?.runWith(Sink.ignore(), materializer).catch(() => {});
  const dropping = watched === null ? null : ingest === undefined ? drops.dropInto(watched) : drops.dropAllInOrder(watched);
  dropping?.done.catch((error: unknown) => killSwitch.abort(error instanceof Error ? error : new Error(String(error))));

  let endpoints: ServerBinding | null = null;
  if (http !== undefined && watched !== null && scored.live !== null) {
    try {
      endpoints = await bindModelServingEndpoints({
        host: http.host,
        port: http.port,
        scoring,
        live: scored.live,
        models: watched,
        materializer,
        ...(ingest !== undefined && router !== null ? { ingest: { transport: ingest, router } } : {}),
      });
    } catch (error) {
      // Nothing may outlive a run that could not start: stop the stream (the error is the caller's to
      // report, not the stream's), remove the directory.
      dropping?.cancel();
      killSwitch.shutdown();
      await scored.completed.catch(() => {});
      await running.workers?.terminated;
      await watched.close();
      throw error;
    }
  }

  const progress = new ProgressReporter(scheduler, progressIntervalMs, scoring, print);
  progress.start();
  const cleanUp = async (): Promise<void> => {
    progress.stop();
    router?.abandonAll('the service stopped before this record was scored');
    dropping?.cancel();
    await dropping?.done.catch(() => {});
    await endpoints?.terminate(ENDPOINTS_TERMINATE_DEADLINE_MS);
    await running.workers?.terminated;
    await watched?.close();
  };
  const done = scored.completed.then(
    async () => {
      const elapsedMs = scheduler.now() - startedAt;
      const stats = scoring.stats();
      await cleanUp();
      const table = summaryTable(stats, elapsedMs);
      print(table);
      return { stats, elapsedMs, table };
    },
    async (error: unknown) => {
      await cleanUp();
      throw error;
    },
  );
  const stop = (): void => {
    if (router === null) return killSwitch.shutdown();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, INGEST_DRAIN_DEADLINE_MS)));
    void Promise.race([router.close(), deadline]).then(() => {
      clearTimeout(timer);
      killSwitch.shutdown();
    });
  };
  return { scoring, endpoints, modelsDirectory: watched?.dir ?? null, stop, done };
}
