import type { IncomingHttpHeaders } from 'node:http';

/**
 * A WebSocket connection failed. `closeCode` is the close code the connection ended with when one is
 * known (e.g. 1009 for an oversized message, 1007 for invalid UTF-8, 1006 for a lost connection).
 */
export class WebSocketError extends Error {
  constructor(
    message: string,
    readonly closeCode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WebSocketError';
  }
}

/** The server answered the client's upgrade request with something other than `101 Switching Protocols`. */
export class WebSocketUpgradeError extends WebSocketError {
  constructor(
    readonly url: string,
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
  ) {
    super(`WebSocket.clientFlow(${url}): the server refused the upgrade with HTTP ${status} (expected 101 Switching Protocols)`);
    this.name = 'WebSocketUpgradeError';
  }
}

/** Nothing (no message, no pong) came from the peer within the keep-alive timeout after a ping. */
export class WebSocketKeepAliveTimeoutError extends WebSocketError {
  constructor(
    readonly keepAliveMs: number,
    readonly keepAliveTimeoutMs: number,
  ) {
    super(
      `WebSocket: the peer did not answer a keep-alive ping within ${keepAliveTimeoutMs} ms ` +
        `(nothing received for ${keepAliveMs + keepAliveTimeoutMs} ms); the connection is considered dead and was dropped`,
      1006,
    );
    this.name = 'WebSocketKeepAliveTimeoutError';
  }
}
