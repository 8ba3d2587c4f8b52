import type { AddressInfo } from 'node:net';

/**
 * A bound server (Akka HTTP's `ServerBinding`), returned by `Http.newServerAt(...).bind…` — and by
 * other servers of the project (`WebSocket.bind`), which follow the same contract.
 *
 * - `unbind()` stops accepting connections (the port is released; idle keep-alive connections are
 *   closed, connections with a request in flight carry on). Resolves once the listener is closed.
 * - `terminate(hardDeadlineMs)` shuts down gracefully: unbinds, answers requests that arrive from now
 *   on with `503` and `connection: close`, lets requests in flight finish (their responses close their
 *   connections), and at the deadline destroys whatever is still open (including upgraded sockets).
 *   Resolves when every connection is closed. Calling it again returns the same promise.
 * - `whenTerminated` resolves once the server is unbound and all its connections are closed, however
 *   that came about. It never rejects.
 */
export interface ServerBinding {
  /** The host the server was asked to bind to. */
  readonly host: string;
  /** The port it is listening on (the one the OS picked when asked for port 0). */
  readonly port: number;
  /** The bound address, as Node reports it. */
  readonly localAddress: AddressInfo;
  unbind(): Promise<void>;
  terminate(hardDeadlineMs: number): Promise<void>;
  readonly whenTerminated: Promise<void>;
}
