/**
 * Argument checks for settings and factories; messages name the setting, what was expected and what
 * arrived. The general checks are core's (`@tributary/core/stage`), re-exported here; this file adds only
 * Kafka's own (bootstrap servers).
 */
import { describeValue } from '@tributary/core/stage';

export {
  describeValue,
  requireBoolean,
  requireFiniteNonNegativeInt,
  requireFunction,
  requireMillis,
  requireNonEmptyString,
  requireNonNegativeInt,
  requireOneOf,
  requirePositiveInt,
} from '@tributary/core/stage';

/** `host:port` strings (a comma-separated string is split); at least one. */
export function requireBootstrapServers(where: string, servers: unknown): readonly string[] {
  const list =
    typeof servers === 'string'
      ? servers
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0)
      : servers;
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
