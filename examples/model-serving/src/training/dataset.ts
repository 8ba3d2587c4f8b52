import type { SensorRecord } from '../domain/SensorRecord.js';
import { SensorGenerator } from '../generator/SensorGenerator.js';
import { fillFeatureVector, newFeatureVector } from '../model/featureVector.js';
import type { Model } from '../model/Model.js';

/** Generated records as a training set: feature rows in canonical order and their labels. */
export interface Dataset {
  readonly rows: readonly Float64Array[];
  readonly labels: Uint8Array;
}

/** `count` labelled records from the generator seeded with `seed` (timestamps are irrelevant: 0). */
export function generateRecords(seed: number, count: number): SensorRecord[] {
  const generator = new SensorGenerator(seed);
  return Array.from({ length: count }, () => generator.next(0));
}

export function toDataset(records: readonly SensorRecord[]): Dataset {
  return {
    rows: records.map((r) => fillFeatureVector(r, newFeatureVector())),
    labels: Uint8Array.from(records, (r) => r.label ?? 0),
  };
}

/** The share of labelled records whose label the model predicts. */
export function accuracyOf(model: Model, records: readonly SensorRecord[]): number {
  let labelled = 0;
  let correct = 0;
  for (const r of records) {
    if (r.label === undefined) continue;
    labelled++;
    const predicted = model.score(r) >= model.threshold ? 1 : 0;
    if (predicted === r.label) correct++;
  }
  return labelled === 0 ? Number.NaN : correct / labelled;
}

/** Rounds to `digits` significant digits, so that written models are short and stable. */
export function roundSignificant(x: number, digits = 6): number {
  return x === 0 ? 0 : Number(x.toPrecision(digits));
}
