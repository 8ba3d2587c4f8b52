import type { BadRecordKind } from '../domain/BadRecordError.js';
import type { ModelRejectionReason } from '../model/InvalidModelError.js';
import type { Model } from '../model/Model.js';
import { LatencyHistogram } from './LatencyHistogram.js';
import type { CurrentModel, LatencySummary, ModelStats, ScoringState, ScoringStats } from './ScoringState.js';

/** Per-model counters; `key` is name and version. */
class ModelCounters {
  scored = 0;
  labelled = 0;
  correct = 0;
  readonly latency = new LatencyHistogram();
  constructor(
    readonly name: string,
    readonly version: string,
    readonly type: string,
    readonly since: number,
  ) {}
}

/**
 * The counters behind a scoring stage's queryable state. Written by the stage's logic (one
 * materialization, one collector), read through `ScoringState` from anywhere; memory stays fixed per
 * model however many records pass.
 */
export class ScoringStatsCollector implements ScoringState {
  private currentModel: CurrentModel | null = null;
  private active: ModelCounters | null = null;
  private readonly perModel = new Map<string, ModelCounters>();
  private readonly overallLatency = new LatencyHistogram();
  private scored = 0;
  private unscored = 0;
  private badRecords = 0;
  private readonly badRecordsByKind: Partial<Record<BadRecordKind, number>> = {};
  private modelsAccepted = 0;
  private modelsRejected = 0;
  private readonly modelsRejectedByReason: Partial<Record<ModelRejectionReason, number>> = {};

  modelInstalled(model: Model, at: number): void {
    this.modelsAccepted++;
    this.currentModel = { name: model.name, version: model.version, type: model.type, since: at };
    const key = `${model.name}\u0000${model.version}`;
    let counters = this.perModel.get(key);
    if (counters === undefined) {
      counters = new ModelCounters(model.name, model.version, model.type, at);
      this.perModel.set(key, counters);
    }
    this.active = counters;
  }

  modelRejected(reason: ModelRejectionReason): void {
    this.modelsRejected++;
    this.modelsRejectedByReason[reason] = (this.modelsRejectedByReason[reason] ?? 0) + 1;
  }

  /** A record scored by the current model; `label` when it had one. */
  recordScored(prediction: 0 | 1, label: 0 | 1 | undefined, latencyMs: number): void {
    const m = this.active!;
    this.scored++;
    m.scored++;
    if (label !== undefined) {
      m.labelled++;
      if (label === prediction) m.correct++;
    }
    m.latency.record(latencyMs);
    this.overallLatency.record(latencyMs);
  }

  /**
   * A record scored elsewhere (on a worker thread) by the model `ref`, which must have been installed
   * here first: with several scorers, records of the previous model may still arrive after a swap.
   */
  recordScoredBy(ref: { readonly name: string; readonly version: string }, prediction: 0 | 1, label: 0 | 1 | undefined, latencyMs: number): void {
    const m = this.perModel.get(`${ref.name}\u0000${ref.version}`);
    if (m === undefined) throw new Error(`ScoringStatsCollector: a record scored by "${ref.name}" v${ref.version}, a model that was never installed`);
    this.scored++;
    m.scored++;
    if (label !== undefined) {
      m.labelled++;
      if (label === prediction) m.correct++;
    }
    m.latency.record(latencyMs);
    this.overallLatency.record(latencyMs);
  }

  recordUnscored(latencyMs: number): void {
    this.unscored++;
    this.overallLatency.record(latencyMs);
  }

  /** Counts a skipped record; true the first time this kind is seen (the time to log it). */
  badRecord(kind: BadRecordKind): boolean {
    this.badRecords++;
    const seen = this.badRecordsByKind[kind] ?? 0;
    this.badRecordsByKind[kind] = seen + 1;
    return seen === 0;
  }

  current(): CurrentModel | null {
    return this.currentModel;
  }

  stats(): ScoringStats {
    return {
      scored: this.scored,
      unscored: this.unscored,
      badRecords: this.badRecords,
      badRecordsByKind: { ...this.badRecordsByKind },
      modelsAccepted: this.modelsAccepted,
      modelsRejected: this.modelsRejected,
      modelsRejectedByReason: { ...this.modelsRejectedByReason },
      latency: summarize(this.overallLatency),
      models: [...this.perModel.values()].map(
        (m): ModelStats => ({
          name: m.name,
          version: m.version,
          type: m.type,
          since: m.since,
          scored: m.scored,
          labelled: m.labelled,
          correct: m.correct,
          accuracy: m.labelled === 0 ? null : m.correct / m.labelled,
          latency: summarize(m.latency),
        }),
      ),
    };
  }
}

function summarize(h: LatencyHistogram): LatencySummary {
  return { count: h.count, p50Ms: h.percentile(0.5), p99Ms: h.percentile(0.99), maxMs: h.maxMs };
}
