import { describe, expect, it } from 'vitest';
import type { SensorRecord } from '../src/domain/SensorRecord.js';
import { InvalidModelError, type ModelRejectionReason } from '../src/model/InvalidModelError.js';
import { ModelFactory } from '../src/model/ModelFactory.js';

const reading: SensorRecord = { deviceId: 'd', ts: 0, temperature: 80, vibration: 0.9, pressure: 85, rpm: 2000 };

const logistic = {
  type: 'logistic-regression',
  name: 'lr',
  version: 3,
  features: ['temperature', 'pressure'],
  weights: [2, -1],
  bias: 0.5,
  standardization: { mean: [70, 100], std: [10, 5] },
};

const tree = {
  type: 'decision-tree',
  name: 'tree',
  version: '2024-06',
  nodes: [
    { feature: 'temperature', threshold: 75, left: 1, right: 2 },
    { value: 0.1 },
    { feature: 'vibration', threshold: 0.8, left: 3, right: 4 },
    { value: 0.4 },
    { value: 0.9 },
  ],
};

const ensemble = {
  type: 'tree-ensemble',
  name: 'trees',
  version: 1,
  bias: -1,
  trees: [{ nodes: [{ feature: 'rpm', threshold: 1900, left: 1, right: 2 }, { value: -0.5 }, { value: 1.5 }] }, { nodes: [{ value: 0.25 }] }],
};

function rejection(doc: unknown, factory = ModelFactory.standard): InvalidModelError {
  try {
    factory.create(doc);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidModelError);
    return e as InvalidModelError;
  }
  throw new Error(`expected ${JSON.stringify(doc)} to be rejected`);
}

function expectRejected(doc: unknown, reason: ModelRejectionReason, message: RegExp): void {
  const e = rejection(doc);
  expect(e.reason).toBe(reason);
  expect(e.message).toMatch(message);
}

describe('ModelFactory', () => {
  it('builds a logistic regression: sigmoid of the standardized dot product', () => {
    const m = ModelFactory.create(logistic);
    expect(m).toMatchObject({ type: 'logistic-regression', name: 'lr', version: '3', features: ['temperature', 'pressure'], threshold: 0.5 });
    const z = 0.5 + 2 * ((80 - 70) / 10) - 1 * ((85 - 100) / 5);
    expect(m.score(reading)).toBeCloseTo(1 / (1 + Math.exp(-z)), 12);
  });

  it('a logistic regression without standardization uses the raw readings', () => {
    const m = ModelFactory.create({ type: 'logistic-regression', name: 'raw', version: 1, features: ['rpm'], weights: [0.001], bias: -2 });
    expect(m.score(reading)).toBeCloseTo(0.5, 12);
  });

  it('builds a decision tree: the leaf a record reaches is its probability', () => {
    const m = ModelFactory.create(tree);
    expect(m).toMatchObject({ type: 'decision-tree', version: '2024-06', features: ['temperature', 'vibration'] });
    expect(m.score(reading)).toBe(0.9);
    expect(m.score({ ...reading, vibration: 0.5 })).toBe(0.4);
    expect(m.score({ ...reading, temperature: 74.99 })).toBe(0.1);
    expect(m.score({ ...reading, temperature: 75 })).toBe(0.9); // x < threshold goes left, equal goes right
  });

  it('builds a tree ensemble: sigmoid of the bias plus every tree’s leaf', () => {
    const m = ModelFactory.create(ensemble);
    expect(m.features).toEqual(['rpm']);
    expect(m.score(reading)).toBeCloseTo(1 / (1 + Math.exp(-(-1 + 1.5 + 0.25))), 12);
    expect(m.score({ ...reading, rpm: 1000 })).toBeCloseTo(1 / (1 + Math.exp(-(-1 - 0.5 + 0.25))), 12);
  });

  it('reads JSON text, bytes and objects alike, and honours a custom threshold', () => {
    const text = JSON.stringify({ ...tree, threshold: 0.95 });
    expect(ModelFactory.create(text).threshold).toBe(0.95);
    expect(ModelFactory.create(new TextEncoder().encode(text)).score(reading)).toBe(0.9);
  });

  it('lists its types and can be extended without changing the standard registry', () => {
    expect(ModelFactory.standard.types).toEqual(['logistic-regression', 'decision-tree', 'tree-ensemble']);
    const constant = ModelFactory.empty().register('constant', (doc) => ({
      type: 'constant',
      name: doc.header.name,
      version: doc.header.version,
      threshold: doc.header.threshold,
      features: [],
      score: () => doc.finiteNumber(doc.required('p'), 'p'),
    }));
    expect(constant.types).toEqual(['constant']);
    expect(constant.create({ type: 'constant', name: 'c', version: 1, p: 0.3 }).score(reading)).toBe(0.3);
    expect(rejection(logistic, constant).reason).toBe('unknown-type');
    expect(ModelFactory.standard.types).not.toContain('constant');
    expect(() => ModelFactory.standard.register('', () => ModelFactory.create(tree))).toThrow(/type must be a non-empty string/);
  });

  describe('rejects, with a reason and a message that names the problem', () => {
    it('text that is not JSON', () => expectRejected('{"type": ', 'unparseable', /not valid JSON/));
    it('a document that is not an object', () => expectRejected([logistic], 'not-an-object', /must be an object, got an array/));
    it('no name', () => expectRejected({ ...logistic, name: undefined }, 'missing-field', /no "name"/));
    it('no type', () =>
      expectRejected(
        { ...logistic, type: undefined },
        'missing-field',
        /model "lr" has no "type" \(known types: logistic-regression, decision-tree, tree-ensemble\)/,
      ));
    it('an unknown type', () => expectRejected({ ...logistic, type: 'svm' }, 'unknown-type', /model "lr" has the unknown type "svm" \(known types: /));
    it('no version', () => expectRejected({ ...logistic, version: undefined }, 'missing-field', /model "lr" \(logistic-regression\) has no "version"/));
    it('a threshold outside (0, 1)', () =>
      expectRejected({ ...logistic, threshold: 1 }, 'malformed-parameters', /"threshold" must be a number strictly between 0 and 1, got 1/));
    it('a missing type-specific field', () =>
      expectRejected({ ...logistic, bias: undefined }, 'missing-field', /model "lr" v3 \(logistic-regression\): field "bias" is missing/));
    it('an unknown feature', () =>
      expectRejected(
        { ...logistic, features: ['temperature', 'humidity'] },
        'wrong-features',
        /features\[1\] is "humidity", not a known feature \(temperature, vibration, pressure, rpm\)/,
      ));
    it('a feature listed twice', () =>
      expectRejected({ ...logistic, features: ['rpm', 'rpm'] }, 'wrong-features', /features\[1\]: feature "rpm" is listed twice/));
    it('no features', () => expectRejected({ ...logistic, features: [] }, 'wrong-features', /features must be a non-empty array of feature names/));
    it('weights that do not match the features', () =>
      expectRejected({ ...logistic, weights: [1] }, 'malformed-parameters', /weights has 1 entries, but there are 2 features/));
    it('a weight that is not a number', () =>
      expectRejected({ ...logistic, weights: [1, 'x'] }, 'malformed-parameters', /weights\[1\] must be a finite number, got "x"/));
    it('a non-positive standard deviation', () =>
      expectRejected(
        { ...logistic, standardization: { mean: [0, 0], std: [1, 0] } },
        'malformed-parameters',
        /standardization.std\[1\] must be positive, got 0/,
      ));
    it('a split on an unknown feature', () => {
      const nodes = [{ feature: 'humidity', threshold: 1, left: 1, right: 2 }, { value: 0 }, { value: 1 }];
      expectRejected({ ...tree, nodes }, 'wrong-features', /nodes\[0\].feature is "humidity", not a known feature/);
    });
    it('a child index out of range', () => {
      const nodes = [{ feature: 'rpm', threshold: 1, left: 1, right: 7 }, { value: 0 }, { value: 1 }];
      expectRejected({ ...tree, nodes }, 'malformed-nodes', /nodes\[0\].right is 7: a child must come after its parent and within the 3 nodes \(1..2\)/);
    });
    it('a cycle (a child pointing back)', () => {
      const nodes = [{ feature: 'rpm', threshold: 1, left: 1, right: 2 }, { feature: 'rpm', threshold: 2, left: 0, right: 2 }, { value: 1 }];
      expectRejected({ ...tree, nodes }, 'malformed-nodes', /nodes\[1\].left is 0: a child must come after its parent/);
    });
    it('a node with two parents', () => {
      const nodes = [{ feature: 'rpm', threshold: 1, left: 1, right: 2 }, { feature: 'rpm', threshold: 2, left: 2, right: 3 }, { value: 1 }, { value: 0 }];
      expectRejected({ ...tree, nodes }, 'malformed-nodes', /nodes\[1\].left is 2, but node 2 is already the child of node 0/);
    });
    it('an unreachable node', () => expectRejected({ ...tree, nodes: [{ value: 0.5 }, { value: 0.2 }] }, 'malformed-nodes', /nodes\[1\] is not reachable/));
    it('a node that is neither leaf nor split', () =>
      expectRejected({ ...tree, nodes: [{ threshold: 3 }] }, 'malformed-nodes', /nodes\[0\] is neither a leaf/));
    it('a node with a missing threshold', () => {
      const nodes = [{ feature: 'rpm', left: 1, right: 2 }, { value: 0 }, { value: 1 }];
      expectRejected({ ...tree, nodes }, 'malformed-nodes', /nodes\[0\].threshold must be a finite number, got undefined/);
    });
    it('a decision-tree leaf that is not a probability', () =>
      expectRejected({ ...tree, nodes: [{ value: 1.5 }] }, 'malformed-nodes', /nodes\[0\].value must be within \[0, 1\], got 1.5/));
    it('empty nodes', () => expectRejected({ ...tree, nodes: [] }, 'malformed-nodes', /nodes must be a non-empty array of nodes/));
    it('an ensemble without trees', () => expectRejected({ ...ensemble, trees: [] }, 'malformed-nodes', /trees must be a non-empty array/));
    it('a malformed node deep in an ensemble', () => {
      const trees = [ensemble.trees[0], { nodes: [{ value: 'big' }] }];
      expectRejected(
        { ...ensemble, trees },
        'malformed-nodes',
        /model "trees" v1 \(tree-ensemble\): trees\[1\].nodes\[0\].value must be a finite number, got "big"/,
      );
    });
  });
});
