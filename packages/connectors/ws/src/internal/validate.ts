/** Argument checks of the WebSocket factories and settings; messages name the caller, what was expected and what arrived. */
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

/** A duration in milliseconds: a finite number > 0 (≥ 0 when `allowZero`). */
export function requireMillis(where: string, name: string, ms: unknown, allowZero = false): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || (!allowZero && ms === 0)) {
    throw new RangeError(`${where}: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} finite number of milliseconds, got ${describeValue(ms)}`);
  }
  return ms;
}

/** Subprotocol names are HTTP tokens (RFC 6455 §4.1); duplicates are refused, as `ws` does. */
export function requireProtocols(where: string, protocols: unknown): readonly string[] {
  if (!Array.isArray(protocols)) throw new TypeError(`${where}: protocols must be an array of subprotocol names, got ${describeValue(protocols)}`);
  const seen = new Set<string>();
  for (const p of protocols) {
    if (typeof p !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(p)) {
      throw new TypeError(`${where}: every subprotocol must be a non-empty HTTP token, got ${describeValue(p)}`);
    }
    if (seen.has(p)) throw new TypeError(`${where}: subprotocol ${JSON.stringify(p)} is listed twice`);
    seen.add(p);
  }
  return Object.freeze([...protocols] as string[]);
}

export function requireHeaders(where: string, headers: unknown): Readonly<Record<string, string>> {
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) {
    throw new TypeError(`${where}: headers must be an object of header name → string value, got ${describeValue(headers)}`);
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') throw new TypeError(`${where}: header ${JSON.stringify(name)} must be a string, got ${describeValue(value)}`);
    out[name.toLowerCase()] = value;
  }
  return Object.freeze(out);
}
