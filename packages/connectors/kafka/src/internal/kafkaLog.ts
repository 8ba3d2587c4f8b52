/**
 * kafkajs' log, through Tributary's logger. kafkajs logs every failed request at ERROR — including the
 * ones it is about to retry, such as "The group coordinator is not available" while a fresh cluster
 * creates `__consumer_offsets`, or "The group is rebalancing" whenever a member joins. Those conditions
 * are transient and handled (retried or re-joined), so they are logged at debug here; what is left at
 * warn/error is what a user should look at (a crashed consumer, retries exhausted, a listener that threw).
 *
 * Transient means: the entry's message or its `error` field is the text of a Kafka protocol error that
 * kafkajs retries (its `retriable` table), or of a rebalance kafkajs recovers from by re-joining.
 */
import { createRequire } from 'node:module';
import type { StreamLogger } from '@tributary/core';
import type { LogEntry, logCreator } from 'kafkajs';
import type { KafkaLogLevel } from '../KafkaClientOptions.js';

const require = createRequire(import.meta.url);
const { logLevel: Level } = require('kafkajs') as typeof import('kafkajs');
// kafkajs' table of Kafka protocol errors (not part of its typed API, stable across 2.x).
const { errorCodes } = require('kafkajs/src/protocol/error.js') as { errorCodes: { type: string; retriable: boolean; message: string }[] };

const REJOINED = new Set(['REBALANCE_IN_PROGRESS', 'UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION']);
const transientTexts = [
  ...errorCodes.filter((e) => e.retriable || REJOINED.has(e.type)).map((e) => e.message),
  // kafkajs' own words for a re-join after UNKNOWN_MEMBER_ID
  'The coordinator is not aware of this member, re-joining the group',
];

/** Whether a kafkajs log entry reports a condition kafkajs retries or recovers from by itself. */
export function isTransient(entry: LogEntry): boolean {
  const { message, error } = entry.log as { message: string; error?: unknown };
  const texts = typeof error === 'string' ? [message, error] : [message];
  return texts.some((t) => transientTexts.some((known) => t.includes(known)));
}

const rank: Record<Exclude<KafkaLogLevel, 'nothing'>, number> = { debug: 0, info: 1, warn: 2, error: 3 };

function levelOf(entry: LogEntry): Exclude<KafkaLogLevel, 'nothing'> {
  switch (entry.level) {
    case Level.ERROR:
    case Level.WARN:
      if (isTransient(entry)) return 'debug';
      return entry.level === Level.ERROR ? 'error' : 'warn';
    case Level.INFO:
      return 'info';
    default:
      return 'debug';
  }
}

/** The default logger: the console, each line marked as kafkajs'. */
export const consoleKafkaLogger: StreamLogger = {
  debug: (message, ...rest) => console.debug(message, ...rest),
  info: (message, ...rest) => console.info(message, ...rest),
  warn: (message, ...rest) => console.warn(message, ...rest),
  error: (message, ...rest) => console.error(message, ...rest),
};

/** The `logCreator` for a kafkajs client: entries at `threshold` or above (after re-levelling) go to `logger`. */
export function kafkaLogCreator(logger: StreamLogger | null, threshold: KafkaLogLevel): logCreator {
  return () => (entry) => {
    if (logger === null || threshold === 'nothing') return;
    const level = levelOf(entry);
    if (rank[level] < rank[threshold]) return;
    const { message, timestamp: _timestamp, logger: _logger, ...details } = entry.log as unknown as Record<string, unknown> & { message: string };
    const line = `[kafkajs ${entry.namespace}] ${message}`;
    if (Object.keys(details).length === 0) logger[level](line);
    else logger[level](line, details);
  };
}

/** What kafkajs itself must pass on: debug when we log debug (transient errors are re-levelled down, never up). */
export function kafkaJsLevel(threshold: KafkaLogLevel): number {
  switch (threshold) {
    case 'nothing':
      return Level.NOTHING;
    case 'error':
      return Level.ERROR;
    case 'warn':
      return Level.WARN;
    case 'info':
      return Level.INFO;
    case 'debug':
      return Level.DEBUG;
  }
}
