/**
 * Core's operators use the public argument checks of `@tributary/core/stage` (stage/argumentChecks.ts);
 * this module only re-exports them under the short names the operators import (`describe` is
 * `describeValue`).
 */
export {
  describeValue as describe,
  requireBoolean,
  requireFiniteNonNegativeInt,
  requireFiniteNumber,
  requireFunction,
  requireNonEmptyString,
  requireNonNegativeInt,
  requirePositiveInt,
  requirePositiveIntOrInfinity,
  requireString,
} from '../stage/argumentChecks.js';
