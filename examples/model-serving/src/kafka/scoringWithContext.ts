import { Attributes, Flow, FlowShape, FlowWithContext, type Graph, GraphDSL, type SourceShape, Supervision, Unzip, Zip } from '@tributary/core';
import type { ScoredRecord } from '../domain/ScoredRecord.js';
import type { SensorRecord } from '../domain/SensorRecord.js';
import { type ModelScoringOptions, ModelScoringStage } from '../scoring/ModelScoringStage.js';
import type { ScoringState } from '../scoring/ScoringState.js';

/** What `scoringWithContext` materializes: the model source's value and the scoring stage's queryable state. */
export interface ScoringWithContextMat<ModelsMat> {
  readonly models: ModelsMat;
  readonly scoring: ScoringState;
}

/**
 * `ModelScoringStage` as a step of a `SourceWithContext`: each validated record goes through the stage
 * (scored by the latest model from `models`) and comes out with the context it went in with — for the
 * Kafka mode, its committable offset, committed after the scored record was produced.
 *
 * ```
 * [record, ctx] ─▶ Unzip ─ record ─▶ ModelScoringStage ─▶ Zip ─▶ [scored, ctx]
 *                        └─ ctx ────────────────────────────┘
 *                       models ─▶ (model inlet)
 * ```
 *
 * Pairing by position is right only while the stage emits exactly one scored record per record: the
 * records must already be valid `SensorRecord`s (parse them before, dropping bad ones with their
 * context), and the stage runs with the `stop` strategy here, so that a record the model cannot score
 * fails the stream instead of silently shifting every later context onto the wrong record.
 *
 * - **Emits when** the stage emitted the scored record of the element at the head.
 * - **Backpressures when** downstream backpressures (records are pulled on demand; models never wait).
 * - **Completes when** upstream completed and the last record was scored (the model source is then cancelled).
 * - **Fails when** upstream or the model source fails, or a record cannot be scored.
 * - **Cancels when** downstream cancels.
 */
export function scoringWithContext<Ctx, ModelsMat>(
  models: Graph<SourceShape<unknown>, ModelsMat>,
  options: ModelScoringOptions = {},
): FlowWithContext<SensorRecord, Ctx, ScoredRecord, Ctx, ScoringWithContextMat<ModelsMat>> {
  const graph = GraphDSL.createWith(
    [models, new ModelScoringStage(options)],
    (modelsMat, scoring): ScoringWithContextMat<ModelsMat> => ({ models: modelsMat, scoring }),
    (b, modelSource, scoring) => {
      const unzip = b.add(Unzip.create<SensorRecord, Ctx>());
      const zip = b.add(Zip.create<ScoredRecord, Ctx>());
      b.from(modelSource).to(scoring.in1);
      b.from(unzip.out0).to(scoring.in0);
      b.from(scoring.out).to(zip.in0);
      b.from(unzip.out1).to(zip.in1);
      return new FlowShape(unzip.in, zip.out);
    },
  );
  return FlowWithContext.fromTuples(Flow.fromGraph(graph).withAttributes(Attributes.supervisionStrategy(Supervision.stop)));
}
