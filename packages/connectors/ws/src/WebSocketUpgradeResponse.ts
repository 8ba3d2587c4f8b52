import type { IncomingHttpHeaders } from 'node:http';

/** How a connection ended: the close code and reason of the close frame (1006 and `''` when there was none). */
export interface WebSocketCloseStatus {
  readonly code: number;
  readonly reason: string;
}

/**
 * The server's answer to a client's upgrade request, materialized by `WebSocket.clientFlow` once the
 * connection is open. `closed` resolves when the connection has closed (it never rejects: a connection
 * lost without a close frame resolves with code 1006).
 */
export interface WebSocketUpgradeResponse {
  /** `101`. */
  readonly status: number;
  /** The headers of the `101 Switching Protocols` response, lower-case names as Node gives them. */
  readonly headers: IncomingHttpHeaders;
  /** The subprotocol the server chose, `''` if none. */
  readonly protocol: string;
  readonly closed: Promise<WebSocketCloseStatus>;
}
