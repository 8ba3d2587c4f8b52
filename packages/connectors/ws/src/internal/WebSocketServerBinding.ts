import type { AddressInfo } from 'node:net';
import type { ServerBinding } from '@tributary/http';
import type { WebSocketUpgradeRuntime } from './WebSocketUpgradeRuntime.js';

/**
 * The binding of `WebSocket.bind`: the HTTP binding underneath, with a `terminate` that first says
 * goodbye (1001 Going Away) to every open WebSocket, so that clients see a clean close rather than a
 * dropped socket; what has not closed by the deadline is destroyed by the HTTP binding.
 */
export class WebSocketServerBinding implements ServerBinding {
  readonly host: string;
  readonly port: number;
  readonly localAddress: AddressInfo;
  readonly whenTerminated: Promise<void>;
  private terminating: Promise<void> | null = null;

  constructor(
    private readonly http: ServerBinding,
    private readonly runtime: WebSocketUpgradeRuntime,
  ) {
    this.host = http.host;
    this.port = http.port;
    this.localAddress = http.localAddress;
    this.whenTerminated = http.whenTerminated;
  }

  unbind(): Promise<void> {
    return this.http.unbind();
  }

  terminate(hardDeadlineMs: number): Promise<void> {
    if (this.terminating !== null) return this.terminating;
    // The HTTP binding validates the deadline, stops accepting and refuses new upgrades (503) first.
    const terminated = this.http.terminate(hardDeadlineMs);
    void this.runtime.shutdown(1001, 'server shutting down');
    this.terminating = terminated;
    return terminated;
  }

  toString(): string {
    return `WebSocketServerBinding(${this.localAddress.address}:${this.port})`;
  }
}
