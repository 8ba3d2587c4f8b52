import { CompiledForest, type TreeNodeDocument } from './CompiledForest.js';
import { ForestModel } from './ForestModel.js';
import { sigmoid } from './featureVector.js';
import type { Model } from './Model.js';
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
  return new ForestModel(doc.header, forest, (logOdds) => sigmoid(bias + logOdds));
}
