import { ClosedShape, type Graph, GraphDSL, RunnableGraph, type SinkShape, type SourceShape } from '@tributary/core';
import type { ScoredRecord } from '../domain/ScoredRecord.js';
import { type ModelScoringOptions, ModelScoringStage } from '../scoring/ModelScoringStage.js';
import type { ScoringState } from '../scoring/ScoringState.js';

/** The ends a model-serving run is built from: where records and models come from, where scored records go. */
export interface ModelServingEnds<DataMat, ModelsMat, ScoredMat> {
  /** Data records: `SensorRecord` objects, or their JSON text/bytes. */
  readonly data: Graph<SourceShape<unknown>, DataMat>;
  /** Model documents: objects, JSON text or bytes (see `ModelFactory`). */
  readonly models: Graph<SourceShape<unknown>, ModelsMat>;
  readonly scored: Graph<SinkShape<ScoredRecord>, ScoredMat>;
  readonly scoring?: ModelScoringOptions;
}

/** Everything a running model-serving graph hands back: each end's materialized value and the scoring state. */
export interface ModelServingMat<DataMat, ModelsMat, ScoredMat> {
  readonly data: DataMat;
  readonly models: ModelsMat;
  readonly scoring: ScoringState;
  readonly scored: ScoredMat;
}

/**
 * The model-serving graph, whatever its ends:
 *
 * ```
 * data ───▶ ┐
 *           ├─▶ ModelScoringStage ──▶ scored
 * models ─▶ ┘
 * ```
 *
 * Parsing and validation of both inputs happen in the scoring stage, so that its queryable state
 * counts bad records and rejected models. The embedded mode passes the generator, a schedule of the
 * shipped models and an in-process sink; other modes pass connector sources and sinks.
 */
export function modelServingGraph<DataMat, ModelsMat, ScoredMat>(
  ends: ModelServingEnds<DataMat, ModelsMat, ScoredMat>,
): RunnableGraph<ModelServingMat<DataMat, ModelsMat, ScoredMat>> {
  const graph = GraphDSL.createWith(
    [ends.data, ends.models, new ModelScoringStage(ends.scoring), ends.scored],
    (data, models, scoring, scored): ModelServingMat<DataMat, ModelsMat, ScoredMat> => ({ data, models, scoring, scored }),
    (b, data, models, scoring, scored) => {
      b.from(data).to(scoring.in0);
      b.from(models).to(scoring.in1);
      b.from(scoring.out).to(scored);
      return ClosedShape.instance;
    },
  );
  return RunnableGraph.fromGraph(graph);
}
