import type { StreamLogger } from '@tributary/core';
import {
  checkRetry,
  requireBootstrapServers,
  requireConnectionConfig,
  requireKafkaLogger,
  requireMillis,
  requireNonEmptyString,
  requireOneOf,
} from './internal/validate.js';
import { type KafkaConnectionConfig, type KafkaLogLevel, kafkaLogLevels, type RetryPolicy } from './KafkaClientOptions.js';

/** The kafkajs client options every Kafka settings class has. */
export interface KafkaClientProps {
  readonly bootstrapServers: readonly string[];
  readonly clientId: string;
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly retry: RetryPolicy;
  readonly kafkaLogLevel: KafkaLogLevel;
  readonly logger: StreamLogger | null;
  readonly connectionConfig: KafkaConnectionConfig;
}

/**
 * What `ConsumerSettings` and `ProducerSettings` share: the kafkajs client options (brokers, client id,
 * timeouts, retry, logging, TLS/SASL), their getters and their `withX` methods, written once. Each
 * `withX` returns a new instance of the subclass (`with`) and rejects a bad value at once, naming the
 * subclass and the setting (`ConsumerSettings.withRetry: …`).
 */
export abstract class KafkaClientSettings<P extends KafkaClientProps> {
  protected constructor(
    protected readonly props: P,
    private readonly settingsName: string,
  ) {}

  /** A new instance of the subclass with `patch` applied. */
  protected abstract with(patch: Partial<P>): this;

  get bootstrapServers(): readonly string[] {
    return this.props.bootstrapServers;
  }
  get clientId(): string {
    return this.props.clientId;
  }
  get connectionTimeoutMs(): number {
    return this.props.connectionTimeoutMs;
  }
  get requestTimeoutMs(): number {
    return this.props.requestTimeoutMs;
  }
  get retry(): RetryPolicy {
    return this.props.retry;
  }
  get kafkaLogLevel(): KafkaLogLevel {
    return this.props.kafkaLogLevel;
  }
  get logger(): StreamLogger | null {
    return this.props.logger;
  }
  get connectionConfig(): KafkaConnectionConfig {
    return this.props.connectionConfig;
  }

  /** Brokers to bootstrap from: `'host:port'`, `'h1:p1,h2:p2'` or an array of `'host:port'`. */
  withBootstrapServers(servers: string | readonly string[]): this {
    return this.with({ bootstrapServers: requireBootstrapServers(`${this.settingsName}.withBootstrapServers`, servers) } as Partial<P>);
  }

  withClientId(clientId: string): this {
    return this.with({ clientId: requireNonEmptyString(`${this.settingsName}.withClientId`, 'clientId', clientId) } as Partial<P>);
  }

  withConnectionTimeout(ms: number): this {
    return this.with({ connectionTimeoutMs: requireMillis(`${this.settingsName}.withConnectionTimeout`, 'connectionTimeoutMs', ms) } as Partial<P>);
  }

  withRequestTimeout(ms: number): this {
    return this.with({ requestTimeoutMs: requireMillis(`${this.settingsName}.withRequestTimeout`, 'requestTimeoutMs', ms) } as Partial<P>);
  }

  /** kafkajs' retry policy for broker requests (merged over the current one). */
  withRetry(retry: Partial<RetryPolicy>): this {
    return this.with({ retry: checkRetry(`${this.settingsName}.withRetry`, this.props.retry, retry) } as Partial<P>);
  }

  /**
   * The least severe kafkajs log entry passed to the logger (default `'warn'`). kafkajs' reports of
   * conditions it retries or recovers from by itself (coordinator not available or loading, rebalance in
   * progress, leader election, …) count as debug, so they do not show as errors.
   */
  withKafkaLogLevel(level: KafkaLogLevel): this {
    return this.with({ kafkaLogLevel: requireOneOf(`${this.settingsName}.withKafkaLogLevel`, 'kafkaLogLevel', level, kafkaLogLevels) } as Partial<P>);
  }

  /** Where kafkajs' log goes (anything with debug/info/warn/error, e.g. `console`; default the console); `null` silences it. */
  withLogger(logger: StreamLogger | null): this {
    return this.with({ logger: requireKafkaLogger(`${this.settingsName}.withLogger`, logger) } as Partial<P>);
  }

  /** TLS / SASL / socket options handed to kafkajs as they are. */
  withConnectionConfig(config: KafkaConnectionConfig): this {
    return this.with({ connectionConfig: requireConnectionConfig(`${this.settingsName}.withConnectionConfig`, config) } as Partial<P>);
  }
}
