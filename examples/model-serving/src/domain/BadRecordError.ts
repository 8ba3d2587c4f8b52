/**
 * What was wrong with a data record; the unit in which bad records are counted and logged.
 * `scoring-failed`: the record was valid but the model threw while scoring it.
 */
export type BadRecordKind = 'unparseable' | 'not-an-object' | 'missing-field' | 'wrong-type' | 'bad-label' | 'scoring-failed';

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
