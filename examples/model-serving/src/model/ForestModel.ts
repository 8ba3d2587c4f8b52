import type { SensorRecord } from '../domain/SensorRecord.js';
import type { CompiledForest } from './CompiledForest.js';
import { fillFeatureVector, newFeatureVector } from './featureVector.js';
import type { Model, ModelHeader } from './Model.js';

/**
 * A model scored by a compiled forest: the sum of the leaf values the record reaches, turned into a
 * probability by `probability` (a decision tree's leaves are probabilities already; an ensemble's are
 * log-odds contributions to add to a bias).
 */
export class ForestModel implements Model {
  readonly type: string;
  readonly name: string;
  readonly version: string;
  readonly threshold: number;
  readonly features: Model['features'];
  private readonly x = newFeatureVector();

  constructor(
    header: ModelHeader,
    private readonly forest: CompiledForest,
    private readonly probability: (leafSum: number) => number,
  ) {
    this.type = header.type;
    this.name = header.name;
    this.version = header.version;
    this.threshold = header.threshold;
    this.features = forest.features;
  }

  score(record: SensorRecord): number {
    return this.probability(this.forest.sum(fillFeatureVector(record, this.x)));
  }
}
