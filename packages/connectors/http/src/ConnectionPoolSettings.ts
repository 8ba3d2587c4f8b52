import type { HttpLogger } from './HttpLogger.js';
import { describeValue, requireFiniteNonNegativeInt, requireMillis, requirePositiveInt } from './internal/validate.js';

const W = 'ConnectionPoolSettings';

interface Fields {
  readonly maxConnections: number;
  readonly maxOpenRequests: number;
  readonly maxRetries: number;
  readonly idleTimeoutMs: number;
  readonly responseEntitySubscriptionTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly logger: HttpLogger;
}

/**
 * Immutable settings of the client's connection pools (Akka HTTP's `ConnectionPoolSettings`), changed
 * with `withX()` methods; start from `ConnectionPoolSettings.default`.
 *
 * - `maxConnections` (default 4): connections per origin.
 * - `maxOpenRequests` (default 32): requests in flight through one pool flow (or one shared pool, for
 *   `singleRequest`). A request stays open until its response entity has been read or discarded.
 * - `maxRetries` (default 5): how often a request that failed without a response is sent again — only
 *   idempotent requests (GET, HEAD, OPTIONS, TRACE, PUT, DELETE) whose entity can be sent twice (strict).
 * - `idleTimeoutMs` (default 30 s): a pooled connection idle this long is closed.
 * - `responseEntitySubscriptionTimeoutMs` (default 1 s): a response entity nobody starts reading within
 *   this time is discarded with a warning, so that it cannot hold its connection forever.
 * - `connectTimeoutMs` (default 10 s): establishing a connection may take this long.
 * - `logger` (default `console`): where discarded entities are reported.
 */
export class ConnectionPoolSettings implements Fields {
  readonly maxConnections: number;
  readonly maxOpenRequests: number;
  readonly maxRetries: number;
  readonly idleTimeoutMs: number;
  readonly responseEntitySubscriptionTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly logger: HttpLogger;

  private constructor(f: Fields) {
    this.maxConnections = f.maxConnections;
    this.maxOpenRequests = f.maxOpenRequests;
    this.maxRetries = f.maxRetries;
    this.idleTimeoutMs = f.idleTimeoutMs;
    this.responseEntitySubscriptionTimeoutMs = f.responseEntitySubscriptionTimeoutMs;
    this.connectTimeoutMs = f.connectTimeoutMs;
    this.logger = f.logger;
    Object.freeze(this);
  }

  static readonly default: ConnectionPoolSettings = new ConnectionPoolSettings({
    maxConnections: 4,
    maxOpenRequests: 32,
    maxRetries: 5,
    idleTimeoutMs: 30_000,
    responseEntitySubscriptionTimeoutMs: 1000,
    connectTimeoutMs: 10_000,
    logger: console,
  });

  private with(patch: Partial<Fields>): ConnectionPoolSettings {
    return new ConnectionPoolSettings({ ...this, ...patch });
  }

  withMaxConnections(maxConnections: number): ConnectionPoolSettings {
    return this.with({ maxConnections: requirePositiveInt(`${W}.withMaxConnections`, 'maxConnections', maxConnections) });
  }

  withMaxOpenRequests(maxOpenRequests: number): ConnectionPoolSettings {
    return this.with({ maxOpenRequests: requirePositiveInt(`${W}.withMaxOpenRequests`, 'maxOpenRequests', maxOpenRequests) });
  }

  withMaxRetries(maxRetries: number): ConnectionPoolSettings {
    return this.with({ maxRetries: requireFiniteNonNegativeInt(`${W}.withMaxRetries`, 'maxRetries', maxRetries) });
  }

  withIdleTimeoutMs(idleTimeoutMs: number): ConnectionPoolSettings {
    return this.with({ idleTimeoutMs: requireMillis(`${W}.withIdleTimeoutMs`, 'idleTimeoutMs', idleTimeoutMs) });
  }

  withResponseEntitySubscriptionTimeoutMs(responseEntitySubscriptionTimeoutMs: number): ConnectionPoolSettings {
    return this.with({
      responseEntitySubscriptionTimeoutMs: requireMillis(
        `${W}.withResponseEntitySubscriptionTimeoutMs`,
        'responseEntitySubscriptionTimeoutMs',
        responseEntitySubscriptionTimeoutMs,
      ),
    });
  }

  withConnectTimeoutMs(connectTimeoutMs: number): ConnectionPoolSettings {
    return this.with({ connectTimeoutMs: requireMillis(`${W}.withConnectTimeoutMs`, 'connectTimeoutMs', connectTimeoutMs) });
  }

  withLogger(logger: HttpLogger): ConnectionPoolSettings {
    if (logger === null || typeof logger !== 'object' || typeof logger.warn !== 'function' || typeof logger.error !== 'function') {
      throw new TypeError(`${W}.withLogger: logger must have warn and error methods (like console), got ${describeValue(logger)}`);
    }
    return this.with({ logger });
  }

  /** @internal What makes two pools interchangeable (the shared pools of `singleRequest` are keyed by it). */
  get poolKey(): string {
    return `${this.maxConnections}/${this.maxOpenRequests}/${this.maxRetries}/${this.idleTimeoutMs}/${this.responseEntitySubscriptionTimeoutMs}/${this.connectTimeoutMs}`;
  }

  toString(): string {
    return (
      `ConnectionPoolSettings(maxConnections=${this.maxConnections}, maxOpenRequests=${this.maxOpenRequests}, maxRetries=${this.maxRetries}, ` +
      `idleTimeoutMs=${this.idleTimeoutMs}, responseEntitySubscriptionTimeoutMs=${this.responseEntitySubscriptionTimeoutMs}, connectTimeoutMs=${this.connectTimeoutMs})`
    );
  }
}
