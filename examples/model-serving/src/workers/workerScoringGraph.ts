import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClosedShape, Flow, GraphDSL, MergePreferred, RunnableGraph, Source } from '@tributary/core';
import { WorkerFlow, type WorkerFlowHandle } from '@tributary/worker';
import { BadRecordError } from '../domain/BadRecordError.js';
import { epochNow } from '../domain/epochNow.js';
import { parseSensorRecord } from '../domain/parseSensorRecord.js';
import type { ScoredRecord } from '../domain/ScoredRecord.js';
import { InvalidModelError } from '../model/InvalidModelError.js';
import type { Model } from '../model/Model.js';
import { ModelFactory } from '../model/ModelFactory.js';
import type { ModelServingEnds, ModelServingMat } from '../pipeline/modelServingGraph.js';
import { ScoringStatsCollector } from '../scoring/ScoringStatsCollector.js';
import type { ScoringMessage } from './ScoringMessage.js';

/** What a worker-scored graph hands back: `modelServingGraph`'s values and the workers' handle. */
export interface WorkerScoringMat<DataMat, ModelsMat, ScoredMat> extends ModelServingMat<DataMat, ModelsMat, ScoredMat> {
  readonly workers: WorkerFlowHandle;
}

/** The worker module next to this one: `.ts` when running from the sources (tests), `.js` when built. */
const WORKER_MODULE = new URL(`./scoringWorker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** Marks the end of the data, so that the graph completes with the data and not with the models. */
const END_OF_DATA = { kind: 'end' } as const;
type Routed = ScoringMessage | typeof END_OF_DATA | { readonly kind: 'model-update'; readonly document: string | Uint8Array };

/**
 * The model-serving graph with the scoring on `threads` worker threads (`--workers N`):
 *
 * ```
 * data ──▶ parse ─────────────────┐
 *                                 ├─▶ MergePreferred ─▶ one model copy per worker ─▶ WorkerFlow.partitioned ─▶ scored
 * models ─▶ validate (main) ──────┘      (models first)                              (ModelScoringStage in
 *                                                                                      each worker thread)
 * ```
 *
 * Records are partitioned by `deviceId` (each device's records keep their order; devices are scored
 * in parallel). Every model update goes to every worker, ahead of the records that follow it, so a
 * record is scored by the latest model exactly as in one thread. The main thread validates models
 * and parses records before they cross, so the queryable state (`scoring`) counts rejected models and
 * bad records as the in-thread stage does, and it counts the scored records as they come back; their
 * latency runs from creation to the return to the main thread.
 *
 * Each call builds a graph for one run (its queryable state is created with it): running it a second
 * time throws.
 */
export function workerScoringGraph<DataMat, ModelsMat, ScoredMat>(
  ends: ModelServingEnds<DataMat, ModelsMat, ScoredMat>,
  threads: number,
): RunnableGraph<WorkerScoringMat<DataMat, ModelsMat, ScoredMat>> {
  if (!Number.isSafeInteger(threads) || threads <= 0) throw new RangeError(`workerScoringGraph: threads must be a positive integer, got ${String(threads)}`);
  const { factory = ModelFactory.standard, clock = epochNow, logger = console } = ends.scoring ?? {};
  const state = new ScoringStatsCollector();
  let current: Model | null = null;

  const parseRecords = Flow.create<unknown>()
    .collect((input): Routed | undefined => {
      try {
        return { kind: 'data', record: parseSensorRecord(input) };
      } catch (e) {
        if (!(e instanceof BadRecordError)) throw e;
        if (state.badRecord(e.kind))
          logger.warn(`ModelScoringStage: skipped a bad record (${e.kind}): ${e.message}; further ${e.kind} records are counted, not logged`);
        return undefined;
      }
    })
    .concat(Source.single<Routed>(END_OF_DATA));

  const validateModels = Flow.create<unknown>().collect((document): Routed | undefined => {
    let model: Model;
    try {
      model = factory.create(document);
    } catch (e) {
      const reason = e instanceof InvalidModelError ? e.reason : 'builder-failed';
      state.modelRejected(reason);
      const keeping = current === null ? 'no model yet' : `still scoring with "${current.name}" v${current.version}`;
      logger.warn(`ModelScoringStage: rejected a model (${reason}): ${e instanceof Error ? e.message : String(e)}; ${keeping}`);
      return undefined;
    }
    current = model;
    state.modelInstalled(model, clock());
    logger.info(`ModelScoringStage: now scoring with "${model.name}" v${model.version} (${model.type}) on ${threads} worker thread${threads === 1 ? '' : 's'}`);
    return { kind: 'model-update', document: typeof document === 'string' || document instanceof Uint8Array ? document : JSON.stringify(document) };
  });

  const toWorkers = Flow.create<Routed>()
    .takeWhile((m) => m.kind !== 'end')
    .mapConcat((m): ScoringMessage[] => {
      if (m.kind === 'model-update') return Array.from({ length: threads }, (_, worker) => ({ kind: 'model', worker, document: m.document }));
      return m.kind === 'end' ? [] : [m];
    });

  const scoring = WorkerFlow.partitioned<ScoringMessage, ScoredRecord>(WORKER_MODULE, {
    threads,
    partitionBy: (m) => (m.kind === 'model' ? m.worker : m.record.deviceId),
  });

  const countScored = Flow.create<ScoredRecord>().map((r) => {
    const latencyMs = clock() - r.createdTs;
    if (r.model === null || r.prediction === null) state.recordUnscored(latencyMs);
    else state.recordScoredBy(r.model, r.prediction, r.record.label, latencyMs);
    return r;
  });

  let runs = 0;
  const graph = GraphDSL.createWith(
    [ends.data, ends.models, scoring, ends.scored],
    (data, models, workers, scored): WorkerScoringMat<DataMat, ModelsMat, ScoredMat> => {
      if (++runs > 1)
        throw new Error('workerScoringGraph: this graph was already run; call workerScoringGraph again for another run (each has its own queryable state)');
      return { data, models, scoring: state, workers, scored };
    },
    (b, data, models, workers, scored) => {
      const merge = b.add(MergePreferred.create<Routed>(1));
      b.from(models).via(validateModels).to(merge.preferred);
      b.from(data).via(parseRecords).to(merge.in(0));
      b.from(merge.out).via(toWorkers).to(workers.in);
      b.from(workers.out).via(countScored).to(scored);
      return ClosedShape.instance;
    },
  );
  return RunnableGraph.fromGraph(graph);
}
