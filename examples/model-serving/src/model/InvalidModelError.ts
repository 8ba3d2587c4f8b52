/**
 * Why a model document was rejected; the unit in which rejected models are counted.
 * `builder-failed`: a registered builder threw something other than an `InvalidModelError`.
 */
export type ModelRejectionReason =
  | 'unparseable'
  | 'not-an-object'
  | 'missing-field'
  | 'unknown-type'
  | 'wrong-features'
  | 'malformed-parameters'
  | 'malformed-nodes'
  | 'builder-failed';

/** A model document the `ModelFactory` cannot build a model from; the message says exactly why. */
export class InvalidModelError extends Error {
  constructor(
    readonly reason: ModelRejectionReason,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidModelError';
  }
}
