import { describeValue } from './internal/validate.js';

/**
 * Message headers as Node has them: lower-case names; a header that occurs more than once is an array
 * of its values (`set-cookie` always is, on messages read from the network).
 */
export type HttpHeaders = Readonly<Record<string, string | readonly string[]>>;

/** What the model's constructors accept: any case, numbers for convenience (e.g. `content-length`). */
export type HttpHeadersInit = Readonly<Record<string, string | number | readonly (string | number)[] | undefined>>;

// RFC 9110 token characters: what a header name may consist of.
const Token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Field values must not carry line breaks or NUL (response splitting / request smuggling).
const BadValue = /[\r\n\0]/;

export const NoHeaders: HttpHeaders = Object.freeze({});

/**
 * Checks and normalises headers given to a model constructor: names lower-cased, values strings,
 * names that differ only in case merged. Throws naming `where` and the offending header.
 */
export function normalizeHeaders(where: string, init: HttpHeadersInit | undefined): HttpHeaders {
  if (init === undefined) return NoHeaders;
  if (init === null || typeof init !== 'object' || Array.isArray(init)) {
    throw new TypeError(`${where}: headers must be an object of name → value(s), got ${describeValue(init)}`);
  }
  const out: Record<string, string | string[]> = {};
  for (const [rawName, rawValue] of Object.entries(init)) {
    if (rawValue === undefined) continue;
    if (!Token.test(rawName)) throw new TypeError(`${where}: header name ${JSON.stringify(rawName)} is not a valid HTTP token`);
    const name = rawName.toLowerCase();
    const values = (Array.isArray(rawValue) ? rawValue : [rawValue]).map((v) => checkValue(where, rawName, v));
    const existing = out[name];
    if (existing === undefined) out[name] = values.length === 1 ? values[0]! : values;
    else out[name] = [...(Array.isArray(existing) ? existing : [existing]), ...values];
  }
  return Object.freeze(out);
}

function checkValue(where: string, name: string, v: unknown): string {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') throw new TypeError(`${where}: header ${JSON.stringify(name)} must have string values, got ${describeValue(v)}`);
  if (BadValue.test(v)) throw new TypeError(`${where}: header ${JSON.stringify(name)} contains a line break or NUL, which HTTP does not allow`);
  return v;
}

/**
 * Headers read from the network, as Node and undici deliver them: a fresh object per message with
 * lower-case names — taken as they are (copying them per message would cost more than it protects).
 */
export function receivedHeaders(headers: Record<string, string | string[] | undefined>): HttpHeaders {
  return headers as HttpHeaders;
}

/** The first value of a header, if present. */
export function firstHeader(headers: HttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return v === undefined ? undefined : typeof v === 'string' ? v : v[0];
}
