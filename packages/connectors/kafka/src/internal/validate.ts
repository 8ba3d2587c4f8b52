/** Argument checks for settings and factories; messages name the setting, what was expected and what arrived. */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return 'a function';
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return String(v);
}

export function requirePositiveInt(where: string, name: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) {
    throw new RangeError(`${where}: ${name} must be a positive integer, got ${describeValue(n)}`);
  }
  return n;
}

export function requireNonNegativeInt(where: string, name: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new RangeError(`${where}: ${name} must be a non-negative integer, got ${describeValue(n)}`);
  }
  return n;
}

/** A duration in milliseconds: a finite number ≥ 0 (or > 0 when `positive`). */
export function requireMillis(where: string, name: string, ms: unknown, positive = true): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || (positive && ms === 0)) {
    throw new RangeError(
      `${where}: ${name} must be a ${positive ? 'positive' : 'non-negative'} finite number of milliseconds, got ${describeValue(ms)}`,
    );
  }
  return ms;
}

export function requireNonEmptyString(where: string, name: string, s: unknown): string {
  if (typeof s !== 'string' || s.length === 0) throw new TypeError(`${where}: ${name} must be a non-empty string, got ${describeValue(s)}`);
  return s;
}

export function requireFunction<F>(where: string, name: string, f: unknown): F {
  if (typeof f !== 'function') throw new TypeError(`${where}: ${name} must be a function, got ${describeValue(f)}`);
  return f as F;
}

export function requireOneOf<T extends string | number>(where: string, name: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) {
    throw new RangeError(`${where}: ${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${describeValue(v)}`);
  }
  return v as T;
}

/** `host:port` strings (a comma-separated string is split); at least one. */
export function requireBootstrapServers(where: string, servers: unknown): readonly string[] {
  const list = typeof servers === 'string' ? servers.split(',').map((s) => s.trim()).filter((s) => s.length > 0) : servers;
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError(`${where}: bootstrapServers must be a non-empty list of "host:port" strings, got ${describeValue(servers)}`);
  }
  for (const s of list) {
    if (typeof s !== 'string' || !/^[^\s:]+:\d+$/.test(s)) {
      throw new TypeError(`${where}: bootstrapServers entries must look like "host:port", got ${describeValue(s)}`);
    }
  }
  return Object.freeze([...(list as string[])]);
}
