/**
 * Argument checks for operator and connector factories and settings: the one set core's operators and
 * the connectors use, public so that custom stages can report bad arguments the same way.
 *
 * Every check takes `where` (the factory or method, e.g. `'take'` or `'ServerSettings.withPort'`), the
 * argument's `name` and the value; it returns the value (narrowed) or throws an error whose message names
 * all three: `` `${where}: ${name} must be <what>, got ${describeValue(value)}` ``. Type mistakes throw a
 * `TypeError`, numbers out of range a `RangeError`.
 *
 * `Infinity`: a count or limit (`requireNonNegativeInt`, `requirePositiveIntOrInfinity`) accepts it as
 * "no limit"; `requirePositiveInt`, `requireFiniteNonNegativeInt` (a position or index) and the
 * millisecond checks refuse it.
 */

/**
 * A short description of a value for an error message: strings quoted (cut after 80 characters),
 * `a function`, `null`, `undefined`, `an array`, `a Uint8Array of 3 bytes`, `an object (Object)`,
 * `an object (Date)`,
 * other primitives as `String` shows them (`-1`, `NaN`, `Infinity`, `true`, `5n`).
 */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v);
  if (typeof v === 'function') return 'a function';
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Uint8Array) return `a ${v.constructor.name} of ${v.length} bytes`;
  if (typeof v === 'object') return objectDescription(v);
  if (typeof v === 'bigint') return `${v}n`;
  return String(v);
}

function objectDescription(v: object): string {
  const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? `an object (${name})` : 'an object (no prototype)';
}

export function requireFunction<F = (...args: never[]) => unknown>(where: string, name: string, f: unknown): F {
  if (typeof f !== 'function') throw new TypeError(`${where}: ${name} must be a function, got ${describeValue(f)}`);
  return f as F;
}

export function requireBoolean(where: string, name: string, b: unknown): boolean {
  if (typeof b !== 'boolean') throw new TypeError(`${where}: ${name} must be a boolean, got ${describeValue(b)}`);
  return b;
}

export function requireString(where: string, name: string, s: unknown): string {
  if (typeof s !== 'string') throw new TypeError(`${where}: ${name} must be a string, got ${describeValue(s)}`);
  return s;
}

export function requireNonEmptyString(where: string, name: string, s: unknown): string {
  if (typeof s !== 'string' || s.length === 0) throw new TypeError(`${where}: ${name} must be a non-empty string, got ${describeValue(s)}`);
  return s;
}

/** One of `allowed` (compared with `===`). */
export function requireOneOf<T extends string | number>(where: string, name: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) {
    throw new RangeError(`${where}: ${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${describeValue(v)}`);
  }
  return v as T;
}

/** An integer ≥ 1 (not `Infinity`): a size, a parallelism, a batch length. */
export function requirePositiveInt(where: string, name: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) {
    throw new RangeError(`${where}: ${name} must be a positive integer, got ${describeValue(n)}`);
  }
  return n;
}

/** An integer ≥ 1, or `Infinity` for no limit: a breadth, a number of substreams. */
export function requirePositiveIntOrInfinity(where: string, name: string, n: unknown): number {
  if (typeof n !== 'number' || !(Number.isInteger(n) || n === Infinity) || n <= 0) {
    throw new RangeError(`${where}: ${name} must be a positive integer or Infinity, got ${describeValue(n)}`);
  }
  return n;
}

/** A count: an integer ≥ 0, or `Infinity` (no limit) — `take(Infinity)`, a retry budget. */
export function requireNonNegativeInt(where: string, name: string, n: unknown): number {
  if (typeof n !== 'number' || !(Number.isInteger(n) || n === Infinity) || n < 0) {
    throw new RangeError(`${where}: ${name} must be a non-negative integer, got ${describeValue(n)}`);
  }
  return n;
}

/** A position or index: an integer ≥ 0 that is not `Infinity` (an offset, a partition, a buffer size). */
export function requireFiniteNonNegativeInt(where: string, name: string, n: unknown): number {
  requireNonNegativeInt(where, name, n);
  if (n === Infinity) throw new RangeError(`${where}: ${name} must be finite, got Infinity`);
  return n as number;
}

export function requireFiniteNumber(where: string, name: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new RangeError(`${where}: ${name} must be a finite number, got ${describeValue(n)}`);
  return n;
}

/** A duration in milliseconds: a finite number > 0 (≥ 0 when `allowZero`). */
export function requireMillis(where: string, name: string, ms: unknown, allowZero = false): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || (!allowZero && ms === 0)) {
    throw new RangeError(`${where}: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} finite number of milliseconds, got ${describeValue(ms)}`);
  }
  return ms;
}
