/**
 * Argument checks of the WebSocket factories and settings; messages name the caller, what was expected
 * and what arrived. The general checks are core's (`@tributary/core/stage`), re-exported here; this file
 * adds only the WebSocket ones (subprotocols, headers).
 */
import { describeValue } from '@tributary/core/stage';

export { describeValue, requireMillis, requirePositiveInt } from '@tributary/core/stage';

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
