/**
 * The flow each scoring worker thread runs (`WorkerFlow` imports this module in the worker): the
 * messages are split back into the two streams of a `ModelScoringStage` — records to its data inlet,
 * model documents to its model inlet — and the scored records come out.
 */
import { Flow, FlowShape, GraphDSL, Partition, type StreamLogger } from '@tributary/core';
import type { ScoredRecord } from '../domain/ScoredRecord.js';
import { ModelScoringStage } from '../scoring/ModelScoringStage.js';
import type { ScoringMessage } from './ScoringMessage.js';

/** The main thread validated the models and reports the swaps; a worker only reports what went wrong. */
const workerLogger: StreamLogger = {
  debug: () => {},
  info: () => {},
  warn: (message) => console.warn(`[scoring worker] ${message}`),
  error: (message) => console.error(`[scoring worker] ${message}`),
};

export default function scoringWorkerFlow(): Flow<ScoringMessage, ScoredRecord> {
  return Flow.fromGraph(
    GraphDSL.create(new ModelScoringStage({ logger: workerLogger }), (b, scoring) => {
      const split = b.add(Partition.create<ScoringMessage>(2, (m) => (m.kind === 'data' ? 0 : 1)));
      b.from(split.out(0))
        .via(Flow.create<ScoringMessage>().map((m) => (m.kind === 'data' ? m.record : null)))
        .to(scoring.in0);
      b.from(split.out(1))
        .via(Flow.create<ScoringMessage>().map((m) => (m.kind === 'model' ? m.document : null)))
        .to(scoring.in1);
      return new FlowShape(split.in, scoring.out);
    }),
  ) as unknown as Flow<ScoringMessage, ScoredRecord>;
}
