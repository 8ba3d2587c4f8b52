import { describeValue } from '../domain/describeValue.js';
import { parseJsonInput } from '../domain/parseJsonInput.js';
import { buildDecisionTree } from './decisionTree.js';
import { InvalidModelError } from './InvalidModelError.js';
import { buildLogisticRegression } from './logisticRegression.js';
import type { Model, ModelHeader } from './Model.js';
import { ModelDocumentReader } from './ModelDocumentReader.js';
import { buildTreeEnsemble } from './treeEnsemble.js';

/** Builds a model of one `type` from its document; throws through `doc.fail(...)` when it is invalid. */
export type ModelBuilder = (doc: ModelDocumentReader) => Model;

/**
 * A registry of model builders keyed by the document's `type`. `create(input)` takes a model
 * document — an object, JSON text or UTF-8 bytes — checks the common header (`type`, `name`,
 * `version`, optional `threshold`), hands the rest to the builder for its type, and returns a model
 * or throws an `InvalidModelError` whose `reason` classifies the problem and whose message names it.
 *
 * Immutable: `register` returns a new factory.
 *
 * @example
 * const model = ModelFactory.standard.create(await readFile('models/1-weak-logistic.json', 'utf8'));
 * model.score(record); // probability of failure
 */
export class ModelFactory {
  /** `logistic-regression`, `decision-tree` and `tree-ensemble`. */
  static readonly standard: ModelFactory = new ModelFactory(new Map())
    .register('logistic-regression', buildLogisticRegression)
    .register('decision-tree', buildDecisionTree)
    .register('tree-ensemble', buildTreeEnsemble);

  /** `ModelFactory.standard.create(input)`. */
  static create(input: unknown): Model {
    return ModelFactory.standard.create(input);
  }

  private constructor(private readonly builders: ReadonlyMap<string, ModelBuilder>) {}

  /** An empty registry, to build one with only the model types an application accepts. */
  static empty(): ModelFactory {
    return new ModelFactory(new Map());
  }

  /** The model types this factory builds. */
  get types(): readonly string[] {
    return [...this.builders.keys()];
  }

  /** A factory that also builds (or now builds differently) documents of `type`. */
  register(type: string, builder: ModelBuilder): ModelFactory {
    if (typeof type !== 'string' || type.length === 0)
      throw new TypeError(`ModelFactory.register: type must be a non-empty string, got ${describeValue(type)}`);
    if (typeof builder !== 'function') throw new TypeError(`ModelFactory.register("${type}"): builder must be a function, got ${describeValue(builder)}`);
    return new ModelFactory(new Map(this.builders).set(type, builder));
  }

  /** Builds the model a document describes; throws `InvalidModelError` if it does not describe one. */
  create(input: unknown): Model {
    const parsed = parseJsonInput(input);
    if ('error' in parsed) throw new InvalidModelError('unparseable', `ModelFactory: the model document is not valid JSON (${parsed.error})`);
    const doc = parsed.value;
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
      throw new InvalidModelError('not-an-object', `ModelFactory: a model document must be an object, got ${describeValue(doc)}`);
    }
    const fields = doc as Readonly<Record<string, unknown>>;
    const header = this.header(fields);
    const builder = this.builders.get(header.type)!;
    return builder(new ModelDocumentReader(fields, header));
  }

  private header(fields: Readonly<Record<string, unknown>>): ModelHeader {
    const name = fields['name'];
    if (name === undefined) throw new InvalidModelError('missing-field', 'ModelFactory: the model document has no "name"');
    if (typeof name !== 'string' || name.length === 0)
      throw new InvalidModelError('malformed-parameters', `ModelFactory: "name" must be a non-empty string, got ${describeValue(name)}`);
    const type = fields['type'];
    if (type === undefined) throw new InvalidModelError('missing-field', `ModelFactory: model "${name}" has no "type" (known types: ${this.types.join(', ')})`);
    if (typeof type !== 'string' || !this.builders.has(type)) {
      throw new InvalidModelError(
        'unknown-type',
        `ModelFactory: model "${name}" has the unknown type ${describeValue(type)} (known types: ${this.types.join(', ')})`,
      );
    }
    const version = fields['version'];
    if (version === undefined) throw new InvalidModelError('missing-field', `ModelFactory: model "${name}" (${type}) has no "version"`);
    const versionOk = (typeof version === 'string' && version.length > 0) || (typeof version === 'number' && Number.isFinite(version));
    if (!versionOk)
      throw new InvalidModelError(
        'malformed-parameters',
        `ModelFactory: model "${name}" (${type}): "version" must be a non-empty string or a number, got ${describeValue(version)}`,
      );
    const threshold = fields['threshold'] ?? 0.5;
    if (typeof threshold !== 'number' || !(threshold > 0 && threshold < 1)) {
      throw new InvalidModelError(
        'malformed-parameters',
        `ModelFactory: model "${name}" (${type}): "threshold" must be a number strictly between 0 and 1, got ${describeValue(threshold)}`,
      );
    }
    return { type, name, version: String(version), threshold };
  }
}
