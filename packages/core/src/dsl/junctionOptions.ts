import { describe, requireBoolean } from '../operators/validate.js';

/** Reads an optional boolean option of a junction factory; anything but a boolean is a TypeError. */
export function junctionFlag(junction: string, options: object, name: string): boolean {
  if (options === null || typeof options !== 'object') throw new TypeError(`${junction}.create: options must be an object, got ${describe(options)}`);
  const v = (options as Record<string, unknown>)[name];
  if (v === undefined) return false;
  return requireBoolean(`${junction}.create`, name, v);
}
