/** Creates kafkajs clients from connector settings. */
import { Kafka, type KafkaConfig } from 'kafkajs';
import type { RetryPolicy } from '../KafkaClientOptions.js';
import type { KafkaClientProps } from '../KafkaClientSettings.js';
import { registerCodecs } from './codecs.js';
import { kafkaJsLevel, kafkaLogCreator } from './kafkaLog.js';
import { socketFactoryWithoutUnrefLeak } from './socketFactory.js';

export function kafkaRetry(retry: RetryPolicy): NonNullable<KafkaConfig['retry']> {
  return {
    retries: retry.retries,
    initialRetryTime: retry.initialRetryTimeMs,
    maxRetryTime: retry.maxRetryTimeMs,
    multiplier: retry.multiplier,
    factor: retry.factor,
  };
}

/** A kafkajs client for the client options of a settings object (`ConsumerSettings`, `ProducerSettings`). */
export function createKafka(s: KafkaClientProps): Kafka {
  registerCodecs();
  return new Kafka({
    ...s.connectionConfig,
    socketFactory: socketFactoryWithoutUnrefLeak(s.connectionConfig.socketFactory),
    brokers: [...s.bootstrapServers],
    clientId: s.clientId,
    connectionTimeout: s.connectionTimeoutMs,
    requestTimeout: s.requestTimeoutMs,
    retry: kafkaRetry(s.retry),
    logLevel: kafkaJsLevel(s.kafkaLogLevel),
    logCreator: kafkaLogCreator(s.logger, s.kafkaLogLevel),
  });
}

/** The innermost `cause` of a kafkajs error (kafkajs wraps protocol errors in retry errors). */
export function rootCause(e: unknown): unknown {
  let cur = e;
  for (let i = 0; i < 10; i++) {
    const next = (cur as { cause?: unknown } | null)?.cause;
    if (next === undefined || next === null || next === cur) return cur;
    cur = next;
  }
  return cur;
}

/** The protocol error type (e.g. `REBALANCE_IN_PROGRESS`) anywhere in the cause chain. */
export function errorTypes(e: unknown): string[] {
  const types: string[] = [];
  let cur = e;
  for (let i = 0; i < 10 && cur !== null && typeof cur === 'object'; i++) {
    const t = (cur as { type?: unknown }).type;
    if (typeof t === 'string') types.push(t);
    cur = (cur as { cause?: unknown }).cause;
  }
  return types;
}

export function isKafkaJsError(e: unknown): boolean {
  let cur = e;
  for (let i = 0; i < 10 && cur !== null && typeof cur === 'object'; i++) {
    const name = (cur as { name?: unknown }).name;
    if (typeof name === 'string' && name.startsWith('KafkaJS')) return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}
