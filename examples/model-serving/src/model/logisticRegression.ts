import type { SensorFeature, SensorRecord } from '../domain/SensorRecord.js';
import { FEATURE_INDEX, fillFeatureVector, newFeatureVector, sigmoid } from './featureVector.js';
import type { Model, ModelHeader } from './Model.js';
import type { ModelDocumentReader } from './ModelDocumentReader.js';

/**
 * The `logistic-regression` document:
 * `{ type, name, version, features: [...], weights: [...], bias, standardization?: { mean: [...], std: [...] }, threshold? }`.
 * Score: `sigmoid(bias + Σ weights[i] · (x[i] − mean[i]) / std[i])` over the listed features.
 */
export interface LogisticRegressionDocument {
  readonly type: 'logistic-regression';
  readonly name: string;
  readonly version: string | number;
  readonly features: readonly SensorFeature[];
  readonly weights: readonly number[];
  readonly bias: number;
  readonly standardization?: { readonly mean: readonly number[]; readonly std: readonly number[] };
  readonly threshold?: number;
}

export function buildLogisticRegression(doc: ModelDocumentReader): Model {
  const features = doc.featureList(doc.required('features'), 'features');
  const count = { n: features.length, of: 'features' };
  const weights = doc.numberArray(doc.required('weights'), 'weights', count);
  const bias = doc.finiteNumber(doc.required('bias'), 'bias');
  let mean = features.map(() => 0);
  let std = features.map(() => 1);
  const standardization = doc.fields['standardization'];
  if (standardization !== undefined) {
    const s = doc.object(standardization, 'standardization');
    mean = doc.numberArray(s['mean'], 'standardization.mean', count);
    std = doc.numberArray(s['std'], 'standardization.std', count);
    std.forEach((v, i) => {
      if (v <= 0) doc.fail('malformed-parameters', `standardization.std[${i}] must be positive, got ${v}`);
    });
  }
  // Standardization folded into the weights once, so scoring is one dot product.
  const effectiveWeights = new Float64Array(newFeatureVector().length);
  let effectiveBias = bias;
  features.forEach((f, i) => {
    const w = weights[i]! / std[i]!;
    effectiveWeights[FEATURE_INDEX[f]] = w;
    effectiveBias -= w * mean[i]!;
  });
  return new LogisticRegressionModel(doc.header, features, effectiveWeights, effectiveBias);
}

class LogisticRegressionModel implements Model {
  readonly type: string;
  readonly name: string;
  readonly version: string;
  readonly threshold: number;
  private readonly x = newFeatureVector();

  constructor(
    header: ModelHeader,
    readonly features: readonly SensorFeature[],
    private readonly weights: Float64Array,
    private readonly bias: number,
  ) {
    this.type = header.type;
    this.name = header.name;
    this.version = header.version;
    this.threshold = header.threshold;
  }

  score(record: SensorRecord): number {
    const x = fillFeatureVector(record, this.x);
    const w = this.weights;
    let z = this.bias;
    for (let i = 0; i < w.length; i++) z += w[i]! * x[i]!;
    return sigmoid(z);
  }
}
