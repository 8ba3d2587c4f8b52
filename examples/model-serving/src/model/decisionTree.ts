import { CompiledForest, type TreeNodeDocument } from './CompiledForest.js';
import { ForestModel } from './ForestModel.js';
import type { Model } from './Model.js';
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
  return new ForestModel(doc.header, forest, (leafProbability) => leafProbability);
}
