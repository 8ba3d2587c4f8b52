/** What was wrong with a data record; the unit in which bad records are counted and logged. */
export type BadRecordKind = 'unparseable' | 'not-an-object' | 'missing-field' | 'wrong-type' | 'bad-label';

/** A data record that cannot be scored: thrown by `parseSensorRecord`, skipped by supervision. */
export class BadRecordError extends Error {
  constructor(
    readonly kind: BadRecordKind,
    message: string,
  ) {
    super(message);
    this.name = 'BadRecordError';
  }
}
