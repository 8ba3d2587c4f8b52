/**
 * Argument checks for settings, model and factories; messages name the caller, the argument, what was
 * expected and what arrived. The general checks are core's (`@tributary/core/stage`), re-exported here;
 * this file adds only HTTP's own (byte limits, ports, origins).
 */
import { describeValue } from '@tributary/core/stage';

export {
  describeValue,
  requireBoolean,
  requireFiniteNonNegativeInt,
  requireFunction,
  requireMillis,
  requirePositiveInt,
  requireString,
} from '@tributary/core/stage';

/** A byte count limit: a non-negative integer, or `Infinity` for no limit. */
export function requireByteLimit(where: string, name: string, n: unknown): number {
  if (n === Infinity) return n;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new RangeError(`${where}: ${name} must be a non-negative integer number of bytes or Infinity, got ${describeValue(n)}`);
  }
  return n;
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
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || (typeof origin !== 'string' && !(origin instanceof URL))) {
    throw new TypeError(`${where}: origin must be an http: or https: URL, got ${describeValue(String(origin))}`);
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new TypeError(`${where}: origin must be scheme, host and port only (no path, query or credentials), got ${describeValue(String(origin))}`);
  }
  return url.origin;
}
