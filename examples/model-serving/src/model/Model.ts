import type { ModelRef } from '../domain/ScoredRecord.js';
import type { SensorFeature, SensorRecord } from '../domain/SensorRecord.js';

/** A model ready to score: built by a `ModelFactory` from a validated model document. */
export interface Model extends ModelRef {
  /** The document's `type`, the key it was built under in the `ModelFactory`. */
  readonly type: string;
  /** The readings the model looks at. */
  readonly features: readonly SensorFeature[];
  /** Scores at or above this are predicted failures (default 0.5). */
  readonly threshold: number;
  /** The probability of failure, in [0, 1]. Pure: reads the record, never keeps it. */
  score(record: SensorRecord): number;
}

/** Every model document has these; the rest depends on its `type`. */
export interface ModelHeader {
  readonly type: string;
  readonly name: string;
  readonly version: string;
  readonly threshold: number;
}
