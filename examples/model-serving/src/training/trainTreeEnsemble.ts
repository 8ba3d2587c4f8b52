import { SENSOR_FEATURES } from '../domain/SensorRecord.js';
import type { TreeNodeDocument } from '../model/CompiledForest.js';
import { sigmoid } from '../model/featureVector.js';
import type { TreeEnsembleDocument } from '../model/treeEnsemble.js';
import { type Dataset, roundSignificant } from './dataset.js';

export interface TreeEnsembleTraining {
  readonly name: string;
  readonly version: string;
  readonly trees: number;
  readonly maxDepth: number;
  readonly learningRate: number;
  /** Candidate split points per feature (quantiles of the training data). */
  readonly bins?: number;
  /** L2 regularisation of leaf values. */
  readonly lambda?: number;
  /** A split needs at least this hessian weight on each side. */
  readonly minChildWeight?: number;
}

/**
 * Gradient-boosted trees on the log-loss (the XGBoost recipe, histogram flavour): each tree fits
 * the gradient of the current ensemble, splits are chosen among quantile bins by the second-order
 * gain, leaves take the Newton step. Deterministic: same data, same document.
 */
export function trainTreeEnsemble(data: Dataset, t: TreeEnsembleTraining): TreeEnsembleDocument {
  const n = data.rows.length;
  const lambda = t.lambda ?? 1;
  const minChildWeight = t.minChildWeight ?? 1;
  const edges = SENSOR_FEATURES.map((_, f) =>
    quantileEdges(
      data.rows.map((r) => r[f]!),
      t.bins ?? 32,
    ),
  );
  const binOf = SENSOR_FEATURES.map((_, f) => Uint8Array.from(data.rows, (r) => binIndex(edges[f]!, r[f]!)));
  const positives = data.labels.reduce((s, y) => s + y, 0);
  const bias = roundSignificant(Math.log(Math.max(positives, 1) / Math.max(n - positives, 1)));
  const margin = new Float64Array(n).fill(bias);
  const gradient = new Float64Array(n);
  const hessian = new Float64Array(n);
  const trees: { nodes: TreeNodeDocument[] }[] = [];
  const all = Uint32Array.from({ length: n }, (_, i) => i);

  for (let k = 0; k < t.trees; k++) {
    for (let i = 0; i < n; i++) {
      const p = sigmoid(margin[i]!);
      gradient[i] = p - data.labels[i]!;
      hessian[i] = Math.max(p * (1 - p), 1e-6);
    }
    const nodes: TreeNodeDocument[] = [];
    const grow = (samples: Uint32Array, depth: number): number => {
      const index = nodes.length;
      let g = 0;
      let h = 0;
      for (const i of samples) {
        g += gradient[i]!;
        h += hessian[i]!;
      }
      const split = depth < t.maxDepth ? bestSplit(samples, g, h) : null;
      if (split === null) {
        const value = roundSignificant((-g / (h + lambda)) * t.learningRate);
        nodes.push({ value });
        for (const i of samples) margin[i]! += value;
        return index;
      }
      const node = { feature: SENSOR_FEATURES[split.feature]!, threshold: edges[split.feature]![split.bin]!, left: 0, right: 0 };
      nodes.push(node);
      const bins = binOf[split.feature]!;
      // Children are grown after their parent is pushed, so their indices come after it.
      node.left = grow(
        samples.filter((i) => bins[i]! <= split.bin),
        depth + 1,
      );
      node.right = grow(
        samples.filter((i) => bins[i]! > split.bin),
        depth + 1,
      );
      return index;
    };
    const bestSplit = (samples: Uint32Array, g: number, h: number): { feature: number; bin: number } | null => {
      let best: { feature: number; bin: number } | null = null;
      let bestGain = 1e-9;
      const parentScore = (g * g) / (h + lambda);
      for (let f = 0; f < SENSOR_FEATURES.length; f++) {
        const binCount = edges[f]!.length + 1;
        const gs = new Float64Array(binCount);
        const hs = new Float64Array(binCount);
        const bins = binOf[f]!;
        for (const i of samples) {
          gs[bins[i]!]! += gradient[i]!;
          hs[bins[i]!]! += hessian[i]!;
        }
        let gl = 0;
        let hl = 0;
        // Left = bins 0..b, i.e. x < edges[b].
        for (let b = 0; b < binCount - 1; b++) {
          gl += gs[b]!;
          hl += hs[b]!;
          const hr = h - hl;
          if (hl < minChildWeight || hr < minChildWeight) continue;
          const gr = g - gl;
          const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parentScore;
          if (gain > bestGain) {
            bestGain = gain;
            best = { feature: f, bin: b };
          }
        }
      }
      return best;
    };
    grow(all, 0);
    trees.push({ nodes });
  }
  return { type: 'tree-ensemble', name: t.name, version: t.version, bias, trees };
}

/** Up to `bins − 1` distinct split points at the quantiles of `values`. */
function quantileEdges(values: readonly number[], bins: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let j = 1; j < bins; j++) {
    const v = sorted[Math.floor((sorted.length * j) / bins)]!;
    if (v > sorted[0]! && v !== edges[edges.length - 1]) edges.push(v);
  }
  return edges;
}

/** The bin of `x`: the number of edges at or below it, so bin ≤ b exactly when x < edges[b]. */
function binIndex(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
