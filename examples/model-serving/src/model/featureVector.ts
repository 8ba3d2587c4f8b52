import { SENSOR_FEATURES, type SensorFeature, type SensorRecord } from '../domain/SensorRecord.js';

/** The position of each reading in a feature vector (the canonical order of `SENSOR_FEATURES`). */
export const FEATURE_INDEX: Readonly<Record<SensorFeature, number>> = Object.fromEntries(SENSOR_FEATURES.map((f, i) => [f, i])) as Record<
  SensorFeature,
  number
>;

/** Writes the record's readings into `out` in canonical order; models reuse one vector per instance. */
export function fillFeatureVector(record: SensorRecord, out: Float64Array): Float64Array {
  out[0] = record.temperature;
  out[1] = record.vibration;
  out[2] = record.pressure;
  out[3] = record.rpm;
  return out;
}

export function newFeatureVector(): Float64Array {
  return new Float64Array(SENSOR_FEATURES.length);
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
