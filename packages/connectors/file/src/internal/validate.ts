/**
 * Argument checks for the file factories; messages name the factory, the argument, what was expected and
 * what arrived. The general checks are core's (`@tributary/core/stage`), re-exported here; this file adds
 * only the file system ones (paths, options, open flags, encodings).
 */
import { fileURLToPath } from 'node:url';
import { describeValue } from '@tributary/core/stage';

export {
  describeValue,
  requireBoolean,
  requireFiniteNonNegativeInt,
  requireFunction,
  requireMillis,
  requirePositiveInt,
} from '@tributary/core/stage';

/** A file system path as the factories accept it: a string, or a `file:` URL. */
export type PathLike = string | URL;

/** A non-empty string path, or a `file:` URL turned into one. */
export function requirePath(where: string, name: string, p: unknown): string {
  if (p instanceof URL) {
    try {
      return fileURLToPath(p);
    } catch (e) {
      throw new TypeError(`${where}: ${name} must be a file: URL or a path string, got ${p.href} (${(e as Error).message})`);
    }
  }
  if (typeof p !== 'string' || p.length === 0) throw new TypeError(`${where}: ${name} must be a non-empty path string or a file: URL, got ${describeValue(p)}`);
  if (p.includes('\0')) throw new TypeError(`${where}: ${name} must not contain a NUL byte, got ${JSON.stringify(p)}`);
  return p;
}

/** The options object of a factory: `undefined` means all defaults. */
export function requireOptions<T extends object>(where: string, options: unknown): Partial<T> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object, got ${describeValue(options)}`);
  }
  return options as Partial<T>;
}

// The strings fs.open understands (lib/internal/fs/utils.js, stringToFlags).
const openFlagStrings: ReadonlySet<string> = new Set([
  'r',
  'rs',
  'sr',
  'r+',
  'rs+',
  'sr+',
  'w',
  'wx',
  'xw',
  'w+',
  'wx+',
  'xw+',
  'a',
  'ax',
  'xa',
  'as',
  'sa',
  'a+',
  'ax+',
  'xa+',
  'as+',
  'sa+',
]);

/** Open flags as `fs.open` takes them: a string such as `'w'`, `'a'`, `'wx'`, or a number of `fs.constants.O_*` bits. */
export function requireOpenFlags(where: string, flags: unknown): string | number {
  if ((typeof flags === 'string' && openFlagStrings.has(flags)) || (typeof flags === 'number' && Number.isInteger(flags) && flags >= 0)) return flags;
  throw new TypeError(`${where}: flags must be an fs open flag string (such as 'w' or 'a') or a number of fs.constants.O_* bits, got ${describeValue(flags)}`);
}

/** Node's buffer encodings, as `Buffer.isEncoding` knows them. */
export function requireEncoding(where: string, encoding: unknown): BufferEncoding {
  if (typeof encoding !== 'string' || !Buffer.isEncoding(encoding)) {
    throw new RangeError(`${where}: encoding must be a Node buffer encoding such as 'utf8' or 'latin1', got ${describeValue(encoding)}`);
  }
  return encoding;
}
