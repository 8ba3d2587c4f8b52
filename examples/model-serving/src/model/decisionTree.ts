import type { SensorRecord } from '../domain/SensorRecord.js';
import { CompiledForest, type TreeNodeDocument } from './CompiledForest.js';
import { fillFeatureVector, newFeatureVector } from './featureVector.js';
import type { Model, ModelHeader } from './Model.js';
import type { ModelDocumentReader } from './ModelDocumentReader.js';

/**
 * The `decision-tree` document: `{ type, name, version, nodes: [...], threshold? }`, node 0 the root;
 * a leaf's `value` is the probability of failure of the records that reach it.
 */
export interface DecisionTreeDocument {
  readonly type: 'decision-tree';
  readonly name: string;
  readonly version: string | number;
  readonly nodes: readonly TreeNodeDocument[];
  readonly threshold?: number;
}

export function buildDecisionTree(doc: ModelDocumentReader): Model {
  const forest = CompiledForest.compile(doc, [{ nodes: doc.required('nodes'), path: 'nodes' }], [0, 1]);
  return new DecisionTreeModel(doc.header, forest);
}

class DecisionTreeModel implements Model {
  readonly type: string;
  readonly name: string;
  readonly version: string;
  readonly threshold: number;
  readonly features: Model['features'];
  private readonly x = newFeatureVector();

  constructor(
    header: ModelHeader,
    private readonly forest: CompiledForest,
  ) {
    this.type = header.type;
    this.name = header.name;
    this.version = header.version;
    this.threshold = header.threshold;
    this.features = forest.features;
  }

  score(record: SensorRecord): number {
    return this.forest.sum(fillFeatureVector(record, this.x));
  }
}
