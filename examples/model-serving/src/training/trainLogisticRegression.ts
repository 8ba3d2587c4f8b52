import type { SensorFeature } from '../domain/SensorRecord.js';
import { FEATURE_INDEX, sigmoid } from '../model/featureVector.js';
import type { LogisticRegressionDocument } from '../model/logisticRegression.js';
import { type Dataset, roundSignificant } from './dataset.js';

export interface LogisticRegressionTraining {
  readonly name: string;
  readonly version: string;
  readonly features: readonly SensorFeature[];
  /** Full-batch gradient-descent steps on standardized features. */
  readonly iterations: number;
  readonly learningRate: number;
}

/**
 * Plain full-batch gradient descent on the log-loss, on standardized features: deterministic (no
 * shuffling, no randomness), so the same data always gives the same document.
 */
export function trainLogisticRegression(data: Dataset, t: LogisticRegressionTraining): LogisticRegressionDocument {
  const columns = t.features.map((f) => FEATURE_INDEX[f]);
  const n = data.rows.length;
  const mean = columns.map((c) => roundSignificant(data.rows.reduce((s, r) => s + r[c]!, 0) / n));
  const std = columns.map((c, j) => roundSignificant(Math.sqrt(data.rows.reduce((s, r) => s + (r[c]! - mean[j]!) ** 2, 0) / n)) || 1);
  const x = data.rows.map((r) => columns.map((c, j) => (r[c]! - mean[j]!) / std[j]!));
  const weights = columns.map(() => 0);
  let bias = 0;
  for (let it = 0; it < t.iterations; it++) {
    const gradient = columns.map(() => 0);
    let gradientBias = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      let z = bias;
      for (let j = 0; j < xi.length; j++) z += weights[j]! * xi[j]!;
      const error = sigmoid(z) - data.labels[i]!;
      for (let j = 0; j < xi.length; j++) gradient[j]! += error * xi[j]!;
      gradientBias += error;
    }
    for (let j = 0; j < weights.length; j++) weights[j]! -= (t.learningRate * gradient[j]!) / n;
    bias -= (t.learningRate * gradientBias) / n;
  }
  return {
    type: 'logistic-regression',
    name: t.name,
    version: t.version,
    features: [...t.features],
    weights: weights.map((w) => roundSignificant(w)),
    bias: roundSignificant(bias),
    standardization: { mean, std },
  };
}
