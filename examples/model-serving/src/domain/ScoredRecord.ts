import type { SensorRecord } from './SensorRecord.js';

/** Which model scored a record. */
export interface ModelRef {
  readonly name: string;
  readonly version: string;
}

/**
 * A record as it leaves the scoring stage. Records that arrived before any model are emitted
 * unscored: `model`, `score` and `prediction` are `null`.
 */
export interface ScoredRecord {
  readonly record: SensorRecord;
  readonly model: ModelRef | null;
  /** The model's probability of failure, in [0, 1]. */
  readonly score: number | null;
  /** `score >= threshold` of the model: 1 = predicted to fail. */
  readonly prediction: 0 | 1 | null;
  /** When the record was created (its `ts`), epoch milliseconds. */
  readonly createdTs: number;
  /** When it was scored (or passed on unscored), epoch milliseconds on the same clock. */
  readonly scoredTs: number;
}
