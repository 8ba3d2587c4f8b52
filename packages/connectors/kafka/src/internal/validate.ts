/**
 * Argument checks for settings and factories; messages name the setting, what was expected and what
 * arrived. The general checks are core's (`@tributary/core/stage`), re-exported here; this file adds only
 * Kafka's own (bootstrap servers, and the kafkajs client options ConsumerSettings and ProducerSettings share:
 * retry policy, logger, connection config).
 */
import type { StreamLogger } from '@tributary/core';
import { describeValue, requireMillis, requireNonNegativeInt } from '@tributary/core/stage';
import type { KafkaConnectionConfig, RetryPolicy } from '../KafkaClientOptions.js';

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

/** Validates a partial retry policy and merges it over `base`. */
export function checkRetry(where: string, base: RetryPolicy, retry: Partial<RetryPolicy>): RetryPolicy {
  if (retry === null || typeof retry !== 'object') throw new TypeError(`${where}: retry must be an object, got ${describeValue(retry)}`);
  const merged = { ...base, ...retry };
  requireNonNegativeInt(where, 'retries', merged.retries);
  requireMillis(where, 'initialRetryTimeMs', merged.initialRetryTimeMs);
  requireMillis(where, 'maxRetryTimeMs', merged.maxRetryTimeMs);
  if (typeof merged.multiplier !== 'number' || !(merged.multiplier >= 1)) {
    throw new RangeError(`${where}: multiplier must be a number >= 1, got ${describeValue(merged.multiplier)}`);
  }
  if (typeof merged.factor !== 'number' || !(merged.factor >= 0 && merged.factor < 1)) {
    throw new RangeError(`${where}: factor must be a number in [0, 1), got ${describeValue(merged.factor)}`);
  }
  return Object.freeze(merged);
}

/** A logger for kafkajs' log: null, or an object with debug, info, warn and error methods. */
export function requireKafkaLogger(where: string, logger: StreamLogger | null): StreamLogger | null {
  if (logger !== null && (typeof logger !== 'object' || !(['debug', 'info', 'warn', 'error'] as const).every((m) => typeof logger[m] === 'function'))) {
    throw new TypeError(`${where}: logger must be null or an object with debug, info, warn and error methods, got ${describeValue(logger)}`);
  }
  return logger;
}

/** TLS / SASL / socket options for kafkajs: an object, copied and frozen. */
export function requireConnectionConfig(where: string, config: KafkaConnectionConfig): KafkaConnectionConfig {
  if (config === null || typeof config !== 'object') {
    throw new TypeError(`${where}: config must be an object, got ${describeValue(config)}`);
  }
  return Object.freeze({ ...config });
}
