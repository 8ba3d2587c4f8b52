import { describeValue, requireHeaders, requireMillis, requirePositiveInt, requireProtocols } from './internal/validate.js';

const W = 'WebSocketSettings';

interface Fields {
  readonly maxPayload: number;
  readonly maxBufferedBytes: number;
  readonly keepAliveMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly handshakeTimeoutMs: number;
  readonly protocols: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  readonly perMessageDeflate: boolean;
}

/** The plain-object form of the settings accepted by `WebSocket.clientFlow` and `WebSocket.bind`. */
export type WebSocketOptions = Partial<Fields>;

/**
 * Immutable settings of a WebSocket connection, client or server side, changed with `withX()` methods.
 *
 * - `maxPayload` (default 16 MiB): the largest inbound message; a bigger one fails the stream with a
 *   `WebSocketError` naming the limit and closes the connection with 1009.
 * - `maxBufferedBytes` (default 1 MiB): outbound messages are pulled only while the socket's
 *   `bufferedAmount` (bytes handed to the socket but not yet to the kernel) is under this.
 * - `keepAliveMs` (default 30 s, `0` for none) and `keepAliveTimeoutMs` (default 10 s): when nothing
 *   arrived for `keepAliveMs`, a ping is sent; if nothing (not even the pong) arrives within
 *   `keepAliveTimeoutMs`, the peer is considered dead: the socket is destroyed and the stream fails
 *   with `WebSocketKeepAliveTimeoutError`. While the stream itself back-pressures (the socket is paused,
 *   so a pong could not be read) the peer is not held responsible.
 * - `handshakeTimeoutMs` (default 10 s, client only): the upgrade must complete within this.
 * - `protocols` (default none): the client offers these subprotocols; a server accepts the first one the
 *   client offers that is in this list (and accepts clients offering none).
 * - `headers` (default none, client only): extra headers of the upgrade request.
 * - `perMessageDeflate` (default false): negotiate permessage-deflate compression.
 */
export class WebSocketSettings implements Fields {
  readonly maxPayload: number;
  readonly maxBufferedBytes: number;
  readonly keepAliveMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly handshakeTimeoutMs: number;
  readonly protocols: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  readonly perMessageDeflate: boolean;

  private constructor(f: Fields) {
    this.maxPayload = f.maxPayload;
    this.maxBufferedBytes = f.maxBufferedBytes;
    this.keepAliveMs = f.keepAliveMs;
    this.keepAliveTimeoutMs = f.keepAliveTimeoutMs;
    this.handshakeTimeoutMs = f.handshakeTimeoutMs;
    this.protocols = f.protocols;
    this.headers = f.headers;
    this.perMessageDeflate = f.perMessageDeflate;
    Object.freeze(this);
  }

  static readonly default: WebSocketSettings = new WebSocketSettings({
    maxPayload: 16 * 1024 * 1024,
    maxBufferedBytes: 1024 * 1024,
    keepAliveMs: 30_000,
    keepAliveTimeoutMs: 10_000,
    handshakeTimeoutMs: 10_000,
    protocols: Object.freeze([]),
    headers: Object.freeze({}),
    perMessageDeflate: false,
  });

  /** Settings from `WebSocketSettings` (returned as is), a plain options object (over the defaults) or `undefined` (the defaults). */
  static from(where: string, settings: WebSocketSettings | WebSocketOptions | undefined): WebSocketSettings {
    if (settings === undefined) return WebSocketSettings.default;
    if (settings instanceof WebSocketSettings) return settings;
    if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) {
      throw new TypeError(`${where}: settings must be WebSocketSettings or an options object, got ${describeValue(settings)}`);
    }
    let s = WebSocketSettings.default;
    for (const [key, value] of Object.entries(settings)) {
      if (value === undefined) continue;
      switch (key as keyof Fields) {
        case 'maxPayload':
          s = s.withMaxPayload(value as number);
          break;
        case 'maxBufferedBytes':
          s = s.withMaxBufferedBytes(value as number);
          break;
        case 'keepAliveMs':
          s = s.withKeepAliveMs(value as number);
          break;
        case 'keepAliveTimeoutMs':
          s = s.withKeepAliveTimeoutMs(value as number);
          break;
        case 'handshakeTimeoutMs':
          s = s.withHandshakeTimeoutMs(value as number);
          break;
        case 'protocols':
          s = s.withProtocols(value as readonly string[]);
          break;
        case 'headers':
          s = s.withHeaders(value as Record<string, string>);
          break;
        case 'perMessageDeflate':
          s = s.withPerMessageDeflate(value as boolean);
          break;
        default:
          throw new TypeError(
            `${where}: unknown option ${JSON.stringify(key)} (expected maxPayload, maxBufferedBytes, keepAliveMs, keepAliveTimeoutMs, handshakeTimeoutMs, protocols, headers or perMessageDeflate)`,
          );
      }
    }
    return s;
  }

  private with(patch: Partial<Fields>): WebSocketSettings {
    return new WebSocketSettings({ ...this, ...patch });
  }

  withMaxPayload(maxPayload: number): WebSocketSettings {
    return this.with({ maxPayload: requirePositiveInt(`${W}.withMaxPayload`, 'maxPayload', maxPayload) });
  }

  withMaxBufferedBytes(maxBufferedBytes: number): WebSocketSettings {
    return this.with({ maxBufferedBytes: requirePositiveInt(`${W}.withMaxBufferedBytes`, 'maxBufferedBytes', maxBufferedBytes) });
  }

  /** `0` turns keep-alive pings off. */
  withKeepAliveMs(keepAliveMs: number): WebSocketSettings {
    return this.with({ keepAliveMs: requireMillis(`${W}.withKeepAliveMs`, 'keepAliveMs', keepAliveMs, true) });
  }

  withKeepAliveTimeoutMs(keepAliveTimeoutMs: number): WebSocketSettings {
    return this.with({ keepAliveTimeoutMs: requireMillis(`${W}.withKeepAliveTimeoutMs`, 'keepAliveTimeoutMs', keepAliveTimeoutMs) });
  }

  withHandshakeTimeoutMs(handshakeTimeoutMs: number): WebSocketSettings {
    return this.with({ handshakeTimeoutMs: requireMillis(`${W}.withHandshakeTimeoutMs`, 'handshakeTimeoutMs', handshakeTimeoutMs) });
  }

  withProtocols(protocols: readonly string[]): WebSocketSettings {
    return this.with({ protocols: requireProtocols(`${W}.withProtocols`, protocols) });
  }

  withHeaders(headers: Readonly<Record<string, string>>): WebSocketSettings {
    return this.with({ headers: requireHeaders(`${W}.withHeaders`, headers) });
  }

  withPerMessageDeflate(perMessageDeflate: boolean): WebSocketSettings {
    if (typeof perMessageDeflate !== 'boolean') throw new TypeError(`${W}.withPerMessageDeflate: expected a boolean, got ${describeValue(perMessageDeflate)}`);
    return this.with({ perMessageDeflate });
  }
}
