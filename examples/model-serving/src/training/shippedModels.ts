import type { LogisticRegressionDocument } from '../model/logisticRegression.js';
import type { TreeEnsembleDocument } from '../model/treeEnsemble.js';
import { generateRecords, toDataset } from './dataset.js';
import { trainLogisticRegression } from './trainLogisticRegression.js';
import { trainTreeEnsemble } from './trainTreeEnsemble.js';

/** The generator seed of the training data, and the number of records trained on. */
export const TRAINING_SEED = 1;
export const TRAINING_RECORDS = 8000;
/** A different seed for the held-out records on which the shipped models are compared. */
export const HOLDOUT_SEED = 2;

export interface ShippedModel {
  /** File name in `examples/model-serving/models/`; the numeric prefix is the delivery order. */
  readonly file: string;
  readonly document: LogisticRegressionDocument | TreeEnsembleDocument;
}

/**
 * Trains the three models the example ships, from generated data, in the order a run delivers them
 * (each more accurate than the one before): a logistic regression that sees two readings, one that
 * sees all four, and boosted trees that can express the ground truth's thresholds and interaction.
 */
export function trainShippedModels(): ShippedModel[] {
  const data = toDataset(generateRecords(TRAINING_SEED, TRAINING_RECORDS));
  return [
    {
      file: '1-basic-logistic.json',
      document: trainLogisticRegression(data, { name: 'basic-logistic', version: '1', features: ['temperature', 'rpm'], iterations: 200, learningRate: 0.5 }),
    },
    {
      file: '2-full-logistic.json',
      document: trainLogisticRegression(data, {
        name: 'full-logistic',
        version: '1',
        features: ['temperature', 'vibration', 'pressure', 'rpm'],
        iterations: 300,
        learningRate: 0.5,
      }),
    },
    {
      file: '3-boosted-trees.json',
      document: trainTreeEnsemble(data, { name: 'boosted-trees', version: '1', trees: 40, maxDepth: 3, learningRate: 0.3 }),
    },
  ];
}

/**
 * A deliberately expensive model for the multi-core benchmark: hundreds of deep trees (scoring one
 * record walks every tree). Trained on the fly (a couple of seconds) rather than shipped: it is
 * megabytes of JSON.
 */
export function trainCpuHeavyModel(trees = 300, maxDepth = 8): TreeEnsembleDocument {
  const data = toDataset(generateRecords(TRAINING_SEED, TRAINING_RECORDS));
  return trainTreeEnsemble(data, { name: 'cpu-heavy-trees', version: `${trees}x${maxDepth}`, trees, maxDepth, learningRate: 0.05 });
}

/** The models as written to disk: two-space JSON and a final newline. */
export function serializeModel(document: ShippedModel['document']): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
