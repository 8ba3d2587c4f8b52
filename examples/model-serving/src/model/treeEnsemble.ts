import type { SensorRecord } from '../domain/SensorRecord.js';
import { CompiledForest, type TreeNodeDocument } from './CompiledForest.js';
import { fillFeatureVector, newFeatureVector, sigmoid } from './featureVector.js';
import type { Model, ModelHeader } from './Model.js';
import type { ModelDocumentReader } from './ModelDocumentReader.js';

/**
 * The `tree-ensemble` document (gradient-boosted trees):
 * `{ type, name, version, bias, trees: [{ nodes: [...] }, ...], threshold? }`.
 * Score: `sigmoid(bias + Σ leaf value of each tree)`; leaves are log-odds contributions.
 * Scoring cost grows with the number and depth of the trees: a large ensemble is the CPU-heavy model.
 */
export interface TreeEnsembleDocument {
  readonly type: 'tree-ensemble';
  readonly name: string;
  readonly version: string | number;
  readonly bias: number;
  readonly trees: readonly { readonly nodes: readonly TreeNodeDocument[] }[];
  readonly threshold?: number;
}

export function buildTreeEnsemble(doc: ModelDocumentReader): Model {
  const bias = doc.finiteNumber(doc.required('bias'), 'bias');
  const trees = doc.required('trees');
  if (!Array.isArray(trees) || trees.length === 0) doc.fail('malformed-nodes', 'trees must be a non-empty array of { nodes: [...] }');
  const forest = CompiledForest.compile(
    doc,
    trees.map((t, i) => ({ nodes: doc.object(t, `trees[${i}]`, 'malformed-nodes')['nodes'], path: `trees[${i}].nodes` })),
  );
  return new TreeEnsembleModel(doc.header, bias, forest);
}

class TreeEnsembleModel implements Model {
  readonly type: string;
  readonly name: string;
  readonly version: string;
  readonly threshold: number;
  readonly features: Model['features'];
  private readonly x = newFeatureVector();

  constructor(
    header: ModelHeader,
    private readonly bias: number,
    private readonly forest: CompiledForest,
  ) {
    this.type = header.type;
    this.name = header.name;
    this.version = header.version;
    this.threshold = header.threshold;
    this.features = forest.features;
  }

  score(record: SensorRecord): number {
    return sigmoid(this.bias + this.forest.sum(fillFeatureVector(record, this.x)));
  }
}
