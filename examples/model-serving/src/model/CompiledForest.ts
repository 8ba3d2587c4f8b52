import { describeValue } from '../domain/describeValue.js';
import { isSensorFeature, SENSOR_FEATURES, type SensorFeature } from '../domain/SensorRecord.js';
import { FEATURE_INDEX } from './featureVector.js';
import type { ModelDocumentReader } from './ModelDocumentReader.js';

/**
 * A tree node in a model document. A split sends a record with `x[feature] < threshold` to `left`,
 * others to `right`; children are indices into the same `nodes` array and come after their parent,
 * so a tree is acyclic by construction. A leaf carries a `value`.
 */
export type TreeNodeDocument =
  | { readonly feature: SensorFeature; readonly threshold: number; readonly left: number; readonly right: number }
  | { readonly value: number };

const LEAF = -1;

/**
 * One or more trees validated and flattened into typed arrays (all trees in one set of arrays), so
 * that scoring walks numbers, never objects.
 */
export class CompiledForest {
  private constructor(
    private readonly roots: Int32Array,
    private readonly feature: Int8Array,
    private readonly threshold: Float64Array,
    private readonly left: Int32Array,
    private readonly right: Int32Array,
    private readonly value: Float64Array,
    readonly features: readonly SensorFeature[],
  ) {}

  /** Σ over the trees of the leaf each one sends `x` to. */
  sum(x: Float64Array): number {
    const { roots, feature, threshold, left, right, value } = this;
    let total = 0;
    for (let t = 0; t < roots.length; t++) {
      let n = roots[t]!;
      let f = feature[n]!;
      while (f !== LEAF) {
        n = x[f]! < threshold[n]! ? left[n]! : right[n]!;
        f = feature[n]!;
      }
      total += value[n]!;
    }
    return total;
  }

  get treeCount(): number {
    return this.roots.length;
  }

  /**
   * Validates and compiles `trees` (each an array of node documents, found at `paths[i]`).
   * `leafRange` bounds leaf values (a single tree's leaves are probabilities).
   */
  static compile(
    doc: ModelDocumentReader,
    trees: readonly { readonly nodes: unknown; readonly path: string }[],
    leafRange?: readonly [number, number],
  ): CompiledForest {
    let total = 0;
    for (const { nodes, path } of trees) {
      if (!Array.isArray(nodes) || nodes.length === 0) doc.fail('malformed-nodes', `${path} must be a non-empty array of nodes, got ${describeValue(nodes)}`);
      total += nodes.length;
    }
    const roots = new Int32Array(trees.length);
    const feature = new Int8Array(total);
    const threshold = new Float64Array(total);
    const left = new Int32Array(total);
    const right = new Int32Array(total);
    const value = new Float64Array(total);
    const used = new Set<SensorFeature>();
    let base = 0;
    trees.forEach(({ nodes, path }, t) => {
      const list = nodes as readonly unknown[];
      roots[t] = base;
      const parentOf = new Int32Array(list.length).fill(-1);
      list.forEach((raw, i) => {
        const at = `${path}[${i}]`;
        const node = doc.object(raw, at, 'malformed-nodes');
        if ('value' in node) {
          if ('feature' in node) doc.fail('malformed-nodes', `${at} has both "value" (a leaf) and "feature" (a split)`);
          const v = node['value'];
          if (typeof v !== 'number' || !Number.isFinite(v)) doc.fail('malformed-nodes', `${at}.value must be a finite number, got ${describeValue(v)}`);
          if (leafRange !== undefined && (v < leafRange[0] || v > leafRange[1])) {
            doc.fail('malformed-nodes', `${at}.value must be within [${leafRange[0]}, ${leafRange[1]}], got ${v}`);
          }
          feature[base + i] = LEAF;
          value[base + i] = v;
          return;
        }
        const f = node['feature'];
        if (f === undefined) doc.fail('malformed-nodes', `${at} is neither a leaf ("value") nor a split ("feature", "threshold", "left", "right")`);
        if (!isSensorFeature(f)) doc.fail('wrong-features', `${at}.feature is ${describeValue(f)}, not a known feature (${SENSOR_FEATURES.join(', ')})`);
        const th = node['threshold'];
        if (typeof th !== 'number' || !Number.isFinite(th)) doc.fail('malformed-nodes', `${at}.threshold must be a finite number, got ${describeValue(th)}`);
        used.add(f);
        feature[base + i] = FEATURE_INDEX[f];
        threshold[base + i] = th;
        left[base + i] = base + child(doc, node, 'left', i, list.length, at, parentOf);
        right[base + i] = base + child(doc, node, 'right', i, list.length, at, parentOf);
      });
      for (let i = 1; i < list.length; i++) {
        if (parentOf[i] === -1) doc.fail('malformed-nodes', `${path}[${i}] is not reachable: no node has it as a child`);
      }
      base += list.length;
    });
    const features = SENSOR_FEATURES.filter((f) => used.has(f));
    return new CompiledForest(roots, feature, threshold, left, right, value, features);
  }
}

function child(
  doc: ModelDocumentReader,
  node: Readonly<Record<string, unknown>>,
  side: 'left' | 'right',
  index: number,
  count: number,
  at: string,
  parentOf: Int32Array,
): number {
  const c = node[side];
  if (typeof c !== 'number' || !Number.isInteger(c)) doc.fail('malformed-nodes', `${at}.${side} must be a node index, got ${describeValue(c)}`);
  if (c <= index || c >= count) {
    doc.fail('malformed-nodes', `${at}.${side} is ${c}: a child must come after its parent and within the ${count} nodes (${index + 1}..${count - 1})`);
  }
  if (parentOf[c] !== -1) doc.fail('malformed-nodes', `${at}.${side} is ${c}, but node ${c} is already the child of node ${parentOf[c]}`);
  parentOf[c] = index;
  return c;
}
