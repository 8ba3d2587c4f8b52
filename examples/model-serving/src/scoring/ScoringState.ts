import type { BadRecordKind } from '../domain/BadRecordError.js';
import type { ModelRejectionReason } from '../model/InvalidModelError.js';

/** The model a scoring stage is using now. */
export interface CurrentModel {
  readonly name: string;
  readonly version: string;
  readonly type: string;
  /** When it was installed, epoch milliseconds on the stage's clock. */
  readonly since: number;
}

/** Latency percentiles in milliseconds (`null` until a record was measured). */
export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number;
}

/** What one model did while it was installed (a model installed twice accumulates). */
export interface ModelStats {
  readonly name: string;
  readonly version: string;
  readonly type: string;
  /** When it was first installed. */
  readonly since: number;
  readonly scored: number;
  /** Scored records that carried a label, and how many of those the model predicted right. */
  readonly labelled: number;
  readonly correct: number;
  /** `correct / labelled`, or `null` when no labelled record was scored. */
  readonly accuracy: number | null;
  /** Record creation → scored. */
  readonly latency: LatencySummary;
}

/** A snapshot of a scoring stage's counters; later snapshots never count less. */
export interface ScoringStats {
  readonly scored: number;
  /** Records passed on without a score because no model had arrived yet. */
  readonly unscored: number;
  /** Records that could not be scored and were skipped (per `BadRecordKind`). */
  readonly badRecords: number;
  readonly badRecordsByKind: Readonly<Partial<Record<BadRecordKind, number>>>;
  readonly modelsAccepted: number;
  readonly modelsRejected: number;
  readonly modelsRejectedByReason: Readonly<Partial<Record<ModelRejectionReason, number>>>;
  /** Record creation → emitted, over every record emitted (scored or not). */
  readonly latency: LatencySummary;
  /** Per model, in the order they were first installed. */
  readonly models: readonly ModelStats[];
}

/**
 * The materialized value of a `ModelScoringStage`: its queryable state. Safe to call at any time,
 * also after the stream has ended (then it reports the final state).
 */
export interface ScoringState {
  /** The model in use, or `null` before the first valid model arrived. */
  current(): CurrentModel | null;
  stats(): ScoringStats;
}
