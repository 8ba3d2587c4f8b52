/** Argument checks for settings, model and factories; messages name the caller, the argument, what was expected and what arrived. */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v);
  if (typeof v === 'function') return 'a function';
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return `an object (${(v as object).constructor?.name ?? 'no prototype'})`;
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

/** A byte count limit: a non-negative integer, or `Infinity` for no limit. */
export function requireByteLimit(where: string, name: string, n: unknown): number {
  if (n === Infinity) return n;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new RangeError(`${where}: ${name} must be a non-negative integer number of bytes or Infinity, got ${describeValue(n)}`);
  }
  return n;
}

/** A duration in milliseconds: a finite number > 0 (≥ 0 when `allowZero`). */
export function requireMillis(where: string, name: string, ms: unknown, allowZero = false): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || (!allowZero && ms === 0)) {
    throw new RangeError(`${where}: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} finite number of milliseconds, got ${describeValue(ms)}`);
  }
  return ms;
}

export function requireFunction<F>(where: string, name: string, f: unknown): F {
  if (typeof f !== 'function') throw new TypeError(`${where}: ${name} must be a function, got ${describeValue(f)}`);
  return f as F;
}

export function requireString(where: string, name: string, s: unknown): string {
  if (typeof s !== 'string') throw new TypeError(`${where}: ${name} must be a string, got ${describeValue(s)}`);
  return s;
}

/** A TCP port: an integer in 0..65535 (0 asks the OS for a free one). */
export function requirePort(where: string, port: unknown): number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`${where}: port must be an integer from 0 to 65535 (0 picks a free port), got ${describeValue(port)}`);
  }
  return port;
}

/** An `http:` or `https:` origin (`scheme://host[:port]`, nothing after it). */
export function requireOrigin(where: string, origin: unknown): string {
  let url: URL;
  try {
    url = new URL(String(origin));
  } catch {
    throw new TypeError(`${where}: origin must be an absolute http(s) URL like "http://localhost:8080", got ${describeValue(origin)}`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || typeof origin !== 'string' && !(origin instanceof URL)) {
    throw new TypeError(`${where}: origin must be an http: or https: URL, got ${describeValue(String(origin))}`);
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new TypeError(`${where}: origin must be scheme, host and port only (no path, query or credentials), got ${describeValue(String(origin))}`);
  }
  return url.origin;
}
