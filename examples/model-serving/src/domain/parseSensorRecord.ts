import { BadRecordError } from './BadRecordError.js';
import { describeValue } from './describeValue.js';
import { parseJsonInput } from './parseJsonInput.js';
import { SENSOR_FEATURES, type SensorRecord } from './SensorRecord.js';

/**
 * Validates a data record: an object, JSON text or UTF-8 bytes of JSON. Returns the record (an
 * object input is returned as it is, not copied); throws `BadRecordError` naming the first problem.
 */
export function parseSensorRecord(input: unknown): SensorRecord {
  const parsed = parseJsonInput(input);
  if ('error' in parsed) throw new BadRecordError('unparseable', `record: not valid JSON (${parsed.error})`);
  const r = parsed.value;
  if (typeof r !== 'object' || r === null || Array.isArray(r)) {
    throw new BadRecordError('not-an-object', `record: expected an object, got ${describeValue(r)}`);
  }
  const fields = r as Record<string, unknown>;
  const deviceId = fields['deviceId'];
  if (deviceId === undefined) throw missing('deviceId');
  if (typeof deviceId !== 'string' || deviceId.length === 0) {
    throw new BadRecordError('wrong-type', `record: field "deviceId" must be a non-empty string, got ${describeValue(deviceId)}`);
  }
  requireFiniteNumber(fields, 'ts');
  for (const feature of SENSOR_FEATURES) requireFiniteNumber(fields, feature);
  const label = fields['label'];
  if (label !== undefined && label !== 0 && label !== 1) {
    throw new BadRecordError('bad-label', `record: field "label" must be 0 or 1 when present, got ${describeValue(label)}`);
  }
  return r as SensorRecord;
}

function requireFiniteNumber(fields: Record<string, unknown>, name: string): void {
  const v = fields[name];
  if (v === undefined) throw missing(name);
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new BadRecordError('wrong-type', `record: field "${name}" must be a finite number, got ${describeValue(v)}`);
  }
}

function missing(name: string): BadRecordError {
  return new BadRecordError('missing-field', `record: field "${name}" is missing`);
}
