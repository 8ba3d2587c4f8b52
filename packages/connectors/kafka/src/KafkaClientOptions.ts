/**
 * Connection options shared by consumer and producer settings: kafkajs' own retry policy, timeouts,
 * log level, and an escape hatch for TLS/SASL/socket options.
 */
import type { KafkaConfig } from 'kafkajs';

/** kafkajs' retry policy for requests (exponential back-off). */
export interface RetryPolicy {
  readonly retries: number;
  readonly initialRetryTimeMs: number;
  readonly maxRetryTimeMs: number;
  readonly multiplier: number;
  readonly factor: number;
}

/** kafkajs' defaults, spelled out so that the client never falls back to its NODE_ENV-dependent ones. */
export const defaultRetryPolicy: RetryPolicy = Object.freeze({
  retries: 5,
  initialRetryTimeMs: 300,
  maxRetryTimeMs: 30_000,
  multiplier: 2,
  factor: 0.2,
});

export type KafkaLogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug';
export const kafkaLogLevels: readonly KafkaLogLevel[] = ['nothing', 'error', 'warn', 'info', 'debug'];

/** TLS, SASL and socket options passed to kafkajs unchanged. */
export type KafkaConnectionConfig = Pick<KafkaConfig, 'ssl' | 'sasl' | 'socketFactory' | 'authenticationTimeout' | 'reauthenticationThreshold'>;
