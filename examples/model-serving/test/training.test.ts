import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelFactory } from '../src/model/ModelFactory.js';
import { shippedModelsDir } from '../src/shippedModelsDir.js';
import { accuracyOf, generateRecords, toDataset } from '../src/training/dataset.js';
import { HOLDOUT_SEED, serializeModel, trainShippedModels } from '../src/training/shippedModels.js';
import { trainTreeEnsemble } from '../src/training/trainTreeEnsemble.js';

describe('the shipped models', () => {
  const trained = trainShippedModels();

  it('are exactly what the training script produces (run `npm run train -w examples/model-serving` after changing it)', async () => {
    expect((await readdir(shippedModelsDir)).filter((f) => f.endsWith('.json')).sort()).toEqual(trained.map((m) => m.file));
    for (const { file, document } of trained) {
      expect(await readFile(join(shippedModelsDir, file), 'utf8'), file).toBe(serializeModel(document));
    }
  });

  it('are valid and increasingly accurate on held-out records', () => {
    const holdout = generateRecords(HOLDOUT_SEED, 20_000);
    const accuracies = trained.map(({ document }) => accuracyOf(ModelFactory.create(document), holdout));
    expect(accuracies[0]).toBeGreaterThan(0.7);
    expect(accuracies[1]).toBeGreaterThan(accuracies[0]! + 0.02);
    expect(accuracies[2]).toBeGreaterThan(accuracies[1]! + 0.05);
  });
});

describe('trainTreeEnsemble', () => {
  it('grows trees no deeper than asked, with valid nodes, and more trees fit better', () => {
    const data = toDataset(generateRecords(3, 3000));
    const holdout = generateRecords(4, 5000);
    const small = trainTreeEnsemble(data, { name: 's', version: '1', trees: 2, maxDepth: 2, learningRate: 0.3 });
    const large = trainTreeEnsemble(data, { name: 'l', version: '1', trees: 30, maxDepth: 3, learningRate: 0.3 });
    const depth = (nodes: readonly object[], i = 0): number => {
      const n = nodes[i] as { left?: number; right?: number };
      return n.left === undefined ? 0 : 1 + Math.max(depth(nodes, n.left), depth(nodes, n.right));
    };
    for (const t of small.trees) expect(depth(t.nodes)).toBeLessThanOrEqual(2);
    expect(accuracyOf(ModelFactory.create(large), holdout)).toBeGreaterThan(accuracyOf(ModelFactory.create(small), holdout));
  });
});

describe('trainCpuHeavyModel', () => {
  it('builds a valid ensemble of the asked size, named after it', async () => {
    const { trainCpuHeavyModel } = await import('../src/training/shippedModels.js');
    const doc = trainCpuHeavyModel(3, 6);
    expect(doc).toMatchObject({ type: 'tree-ensemble', name: 'cpu-heavy-trees', version: '3x6' });
    expect(doc.trees).toHaveLength(3);
    expect(doc.trees.some((t) => t.nodes.length > 15)).toBe(true); // deeper than the shipped depth-3 trees
    const model = ModelFactory.create(doc);
    const scores = new Set(generateRecords(HOLDOUT_SEED, 200).map((r) => model.score(r)));
    expect(scores.size).toBeGreaterThan(10); // the trees split on the readings
  });
});
