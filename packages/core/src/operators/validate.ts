/** Argument checks shared by operators; messages name the operator, the argument and what arrived. */
export function requireFunction(op: string, name: string, f: unknown): void {
  if (typeof f !== 'function') throw new TypeError(`${op}: ${name} must be a function, got ${describe(f)}`);
}

export function requireNonNegativeInt(op: string, name: string, n: unknown): void {
  if (typeof n !== 'number' || !(Number.isInteger(n) || n === Infinity) || n < 0) {
    throw new RangeError(`${op}: ${name} must be a non-negative integer, got ${describe(n)}`);
  }
}

export function requirePositiveInt(op: string, name: string, n: unknown): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) {
    throw new RangeError(`${op}: ${name} must be a positive integer, got ${describe(n)}`);
  }
}

export function requireFiniteNumber(op: string, name: string, n: unknown): void {
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new RangeError(`${op}: ${name} must be a finite number, got ${describe(n)}`);
}

export function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return 'a function';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return String(v);
}
