import { describeValue } from '../domain/describeValue.js';
import { isSensorFeature, SENSOR_FEATURES, type SensorFeature } from '../domain/SensorRecord.js';
import { InvalidModelError, type ModelRejectionReason } from './InvalidModelError.js';
import type { ModelHeader } from './Model.js';

/**
 * Reads the type-specific fields of a model document; every error it raises names the model and the
 * offending field, e.g. `ModelFactory: model "churn" v2 (logistic-regression): weights[3] must be a
 * finite number, got "x"`.
 */
export class ModelDocumentReader {
  readonly label: string;

  constructor(
    readonly fields: Readonly<Record<string, unknown>>,
    readonly header: ModelHeader,
  ) {
    this.label = `ModelFactory: model "${header.name}" v${header.version} (${header.type})`;
  }

  fail(reason: ModelRejectionReason, detail: string): never {
    throw new InvalidModelError(reason, `${this.label}: ${detail}`);
  }

  /** A required field (`missing-field` if absent). */
  required(field: string): unknown {
    const v = this.fields[field];
    if (v === undefined) this.fail('missing-field', `field "${field}" is missing`);
    return v;
  }

  finiteNumber(value: unknown, path: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail('malformed-parameters', `${path} must be a finite number, got ${describeValue(value)}`);
    return value;
  }

  /** An array of finite numbers, of exactly `length` entries when given. */
  numberArray(value: unknown, path: string, length?: { readonly n: number; readonly of: string }): number[] {
    if (!Array.isArray(value)) this.fail('malformed-parameters', `${path} must be an array of numbers, got ${describeValue(value)}`);
    if (length !== undefined && value.length !== length.n) {
      this.fail('malformed-parameters', `${path} has ${value.length} entries, but there are ${length.n} ${length.of}`);
    }
    return value.map((x, i) => this.finiteNumber(x, `${path}[${i}]`));
  }

  /** A non-empty list of distinct reading names (`wrong-features` otherwise). */
  featureList(value: unknown, path: string): SensorFeature[] {
    if (!Array.isArray(value) || value.length === 0) {
      this.fail('wrong-features', `${path} must be a non-empty array of feature names (${SENSOR_FEATURES.join(', ')}), got ${describeValue(value)}`);
    }
    const seen = new Set<string>();
    return value.map((f, i) => {
      if (!isSensorFeature(f)) this.fail('wrong-features', `${path}[${i}] is ${describeValue(f)}, not a known feature (${SENSOR_FEATURES.join(', ')})`);
      if (seen.has(f)) this.fail('wrong-features', `${path}[${i}]: feature "${f}" is listed twice`);
      seen.add(f);
      return f;
    });
  }

  object(value: unknown, path: string, reason: ModelRejectionReason = 'malformed-parameters'): Readonly<Record<string, unknown>> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(reason, `${path} must be an object, got ${describeValue(value)}`);
    return value as Record<string, unknown>;
  }
}
