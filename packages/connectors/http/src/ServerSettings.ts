import type { HttpLogger } from './HttpLogger.js';
import { describeValue, requireByteLimit, requireMillis, requirePositiveInt } from './internal/validate.js';

const W = 'ServerSettings';

interface Fields {
  readonly maxConnections: number;
  readonly idleTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxRequestEntityBytes: number;
  readonly pipeliningLimit: number;
  readonly logger: HttpLogger;
}

/**
 * Immutable settings of an HTTP server (Akka HTTP's `ServerSettings`), changed with `withX()` methods.
 *
 * - `maxConnections` (default 1024): connections open at once; more are closed as they arrive.
 * - `idleTimeoutMs` (default 60 s): a connection with no bytes moving either way for this long is
 *   closed — also one whose handler stopped reading a request entity (back-pressure counts as idle).
 * - `requestTimeoutMs` (default 20 s): a request whose headers have not all arrived after this long
 *   gets `408` and its connection is closed (slowloris); a handler that has not produced a response
 *   after this long is answered for with `503 Service Unavailable`.
 * - `maxRequestEntityBytes` (default 8 MiB, `Infinity` for none): a request declaring a longer body is
 *   answered `413` without calling the handler; a chunked body that grows past it fails the entity's
 *   stream with `EntityStreamSizeError`, and a handler failing with that error yields `413`.
 * - `pipeliningLimit` (default 16): requests of one connection accepted before earlier ones were
 *   answered; beyond it the server stops reading the connection until responses go out.
 * - `logger` (default `console`): where failing handlers and discarded responses are reported.
 */
export class ServerSettings implements Fields {
  readonly maxConnections: number;
  readonly idleTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxRequestEntityBytes: number;
  readonly pipeliningLimit: number;
  readonly logger: HttpLogger;

  private constructor(f: Fields) {
    this.maxConnections = f.maxConnections;
    this.idleTimeoutMs = f.idleTimeoutMs;
    this.requestTimeoutMs = f.requestTimeoutMs;
    this.maxRequestEntityBytes = f.maxRequestEntityBytes;
    this.pipeliningLimit = f.pipeliningLimit;
    this.logger = f.logger;
    Object.freeze(this);
  }

  static readonly default: ServerSettings = new ServerSettings({
    maxConnections: 1024,
    idleTimeoutMs: 60_000,
    requestTimeoutMs: 20_000,
    maxRequestEntityBytes: 8 * 1024 * 1024,
    pipeliningLimit: 16,
    logger: console,
  });

  private with(patch: Partial<Fields>): ServerSettings {
    return new ServerSettings({ ...this, ...patch });
  }

  withMaxConnections(maxConnections: number): ServerSettings {
    return this.with({ maxConnections: requirePositiveInt(`${W}.withMaxConnections`, 'maxConnections', maxConnections) });
  }

  withIdleTimeoutMs(idleTimeoutMs: number): ServerSettings {
    return this.with({ idleTimeoutMs: requireMillis(`${W}.withIdleTimeoutMs`, 'idleTimeoutMs', idleTimeoutMs) });
  }

  withRequestTimeoutMs(requestTimeoutMs: number): ServerSettings {
    return this.with({ requestTimeoutMs: requireMillis(`${W}.withRequestTimeoutMs`, 'requestTimeoutMs', requestTimeoutMs) });
  }

  withMaxRequestEntityBytes(maxRequestEntityBytes: number): ServerSettings {
    return this.with({ maxRequestEntityBytes: requireByteLimit(`${W}.withMaxRequestEntityBytes`, 'maxRequestEntityBytes', maxRequestEntityBytes) });
  }

  withPipeliningLimit(pipeliningLimit: number): ServerSettings {
    return this.with({ pipeliningLimit: requirePositiveInt(`${W}.withPipeliningLimit`, 'pipeliningLimit', pipeliningLimit) });
  }

  withLogger(logger: HttpLogger): ServerSettings {
    if (logger === null || typeof logger !== 'object' || typeof logger.warn !== 'function' || typeof logger.error !== 'function') {
      throw new TypeError(`${W}.withLogger: logger must have warn and error methods (like console), got ${describeValue(logger)}`);
    }
    return this.with({ logger });
  }

  toString(): string {
    return `ServerSettings(maxConnections=${this.maxConnections}, idleTimeoutMs=${this.idleTimeoutMs}, requestTimeoutMs=${this.requestTimeoutMs}, maxRequestEntityBytes=${this.maxRequestEntityBytes}, pipeliningLimit=${this.pipeliningLimit})`;
  }
}
