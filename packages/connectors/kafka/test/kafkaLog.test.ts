/**
 * kafkajs' log through Tributary's logger: what kafkajs retries or recovers from by itself is debug, the
 * rest keeps its level; the threshold filters after re-levelling; settings validate the logger.
 */

import { ConsumerSettings, Deserializers } from '@tributary/kafka';
import { type LogEntry, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkaLogCreator } from '../src/internal/kafkaLog.js';

function capture() {
  const lines: [string, string, unknown][] = [];
  const logger = {
    debug: (m: string, d?: unknown) => void lines.push(['debug', m, d]),
    info: (m: string, d?: unknown) => void lines.push(['info', m, d]),
    warn: (m: string, d?: unknown) => void lines.push(['warn', m, d]),
    error: (m: string, d?: unknown) => void lines.push(['error', m, d]),
  };
  return { lines, logger };
}

const entry = (level: logLevel, namespace: string, message: string, extra: Record<string, unknown> = {}): LogEntry => ({
  namespace,
  level,
  label: logLevel[level],
  log: { timestamp: '2026-01-01T00:00:00.000Z', logger: 'kafkajs', message, ...extra },
});

describe('kafkajs log', () => {
  it('logs transient, retried conditions at debug and keeps real errors at error', () => {
    const { lines, logger } = capture();
    const log = kafkaLogCreator(logger, 'debug')(logLevel.DEBUG);
    log(
      entry(logLevel.ERROR, 'Connection', 'Response GroupCoordinator(key: 10, version: 2)', {
        error: 'The group coordinator is not available',
        correlationId: 3,
      }),
    );
    log(
      entry(logLevel.ERROR, 'Connection', 'Response OffsetFetch(key: 9, version: 2)', {
        error: "The coordinator is loading and hence can't process requests for this group",
      }),
    );
    log(entry(logLevel.ERROR, 'Runner', 'The group is rebalancing, re-joining', { error: 'The group is rebalancing, so a rejoin is needed' }));
    log(
      entry(logLevel.ERROR, 'Connection', 'Response Metadata(key: 3, version: 6)', {
        error: 'There is no leader for this topic-partition as we are in the middle of a leadership election',
      }),
    );
    log(entry(logLevel.ERROR, 'Consumer', 'Crash: KafkaJSNumberOfRetriesExceeded: Connection error: connect ECONNREFUSED 127.0.0.1:1', { groupId: 'g' }));
    log(entry(logLevel.WARN, 'Producer', 'Something to look at'));
    log(entry(logLevel.INFO, 'Consumer', 'Starting', { groupId: 'g' }));
    expect(lines.map(([level, message]) => [level, message])).toEqual([
      ['debug', '[kafkajs Connection] Response GroupCoordinator(key: 10, version: 2)'],
      ['debug', '[kafkajs Connection] Response OffsetFetch(key: 9, version: 2)'],
      ['debug', '[kafkajs Runner] The group is rebalancing, re-joining'],
      ['debug', '[kafkajs Connection] Response Metadata(key: 3, version: 6)'],
      ['error', '[kafkajs Consumer] Crash: KafkaJSNumberOfRetriesExceeded: Connection error: connect ECONNREFUSED 127.0.0.1:1'],
      ['warn', '[kafkajs Producer] Something to look at'],
      ['info', '[kafkajs Consumer] Starting'],
    ]);
    // The entry's fields (without kafkajs' timestamp and logger name) come along.
    expect(lines[0]![2]).toEqual({ error: 'The group coordinator is not available', correlationId: 3 });
  });

  it('filters by the threshold after re-levelling: at warn, a retried ERROR is not logged', () => {
    const { lines, logger } = capture();
    const log = kafkaLogCreator(logger, 'warn')(logLevel.WARN);
    log(entry(logLevel.ERROR, 'Connection', 'Response FindCoordinator', { error: 'The group coordinator is not available' }));
    log(entry(logLevel.ERROR, 'Consumer', 'Restarting the consumer in 300ms'));
    log(entry(logLevel.INFO, 'Consumer', 'Starting'));
    expect(lines.map(([level, message]) => [level, message])).toEqual([['error', '[kafkajs Consumer] Restarting the consumer in 300ms']]);
    const silent = capture();
    kafkaLogCreator(null, 'debug')(logLevel.DEBUG)(entry(logLevel.ERROR, 'X', 'boom'));
    kafkaLogCreator(silent.logger, 'nothing')(logLevel.NOTHING)(entry(logLevel.ERROR, 'X', 'boom'));
    expect(silent.lines).toEqual([]);
  });

  it('settings reject a logger without the four methods', () => {
    const s = ConsumerSettings.create(Deserializers.string, Deserializers.string);
    expect(() => s.withLogger({ info: () => undefined } as never)).toThrow(
      'ConsumerSettings.withLogger: logger must be null or an object with debug, info, warn and error methods, got an object',
    );
    expect(s.withLogger(null).logger).toBeNull();
    expect(s.kafkaLogLevel).toBe('warn');
  });
});
