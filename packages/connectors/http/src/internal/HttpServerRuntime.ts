/**
 * The `node:http` server behind a binding: listening, tracking every socket (including upgraded ones,
 * which Node's HTTP layer forgets), routing each parsed request to its `ServerConnection`, and the
 * unbind / graceful-terminate life cycle of `ServerBinding`.
 *
 * Settings map onto Node as follows: `maxConnections` → `server.maxConnections` (Node closes the
 * excess as it arrives); `idleTimeoutMs` → socket inactivity timeout and keep-alive timeout;
 * `requestTimeoutMs` → `headersTimeout` (checked every quarter of it, so a slowloris client gets its
 * 408 on time) and, per request, the 503 deadline kept by `serveExchange`. Node's own whole-request
 * timeout is off: a body read slowly because the application back-pressures is not an attack, and the
 * idle timeout still ends a connection on which nothing moves.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Cancellable, Materializer } from '@tributary/core';
import type { ServerBinding } from '../ServerBinding.js';
import type { ServerSettings } from '../ServerSettings.js';
import { ServerConnection, type ServerContext } from './ServerConnection.js';
import { requireMillis } from './validate.js';

/** An `'upgrade'` listener of a Node HTTP server (e.g. `WebSocket.upgradeHandler(flow)`). */
export type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** Options of `bind`, `bindFlow` and `connectionSource`. */
export interface BindOptions {
  /**
   * Serves `Upgrade:` requests (WebSocket) from the same port. Without it, such requests reach the
   * handler as ordinary requests. Upgraded sockets count as connections of the binding: `terminate`
   * destroys those still open at its deadline.
   */
  readonly upgrade?: UpgradeListener;
}

const kConnection = Symbol('tributary.http.connection');

type State = 'created' | 'listening' | 'unbound';

export class HttpServerRuntime implements ServerContext {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private state: State = 'created';
  private accepting = true;
  terminating = false;
  private terminatePromise: Promise<void> | null = null;
  private deadline: Cancellable | null = null;
  private resolveTerminated!: () => void;
  readonly whenTerminated: Promise<void>;
  private binding: ServerBinding | null = null;

  constructor(
    readonly host: string,
    readonly port: number,
    readonly settings: ServerSettings,
    readonly materializer: Materializer,
    private readonly options: BindOptions,
    private readonly onConnection: (connection: ServerConnection) => void,
    private readonly onUnbound: () => void,
  ) {
    this.whenTerminated = new Promise<void>((resolve) => (this.resolveTerminated = resolve));
    const server = createServer({
      headersTimeout: settings.requestTimeoutMs,
      requestTimeout: 0,
      keepAliveTimeout: settings.idleTimeoutMs,
      connectionsCheckingInterval: Math.max(25, Math.min(30_000, Math.floor(settings.requestTimeoutMs / 4))),
    });
    server.maxConnections = settings.maxConnections;
    server.timeout = settings.idleTimeoutMs;
    server.on('connection', (socket: Socket) => this.accept(socket));
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      (req.socket as Socket & { [kConnection]?: ServerConnection })[kConnection]!.onRequest(req, res);
    });
    if (options.upgrade !== undefined) server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    this.server = server;
  }

  /** Starts listening; resolves with the binding, rejects with Node's error (e.g. `EADDRINUSE`). */
  listen(): Promise<ServerBinding> {
    return new Promise<ServerBinding>((resolve, reject) => {
      const onError = (e: Error): void => {
        this.state = 'unbound';
        this.resolveTerminated();
        reject(e);
      };
      this.server.once('error', onError);
      this.server.listen(this.port, this.host, () => {
        this.server.removeListener('error', onError);
        this.server.on('error', (e: Error) => this.settings.logger.error(`HTTP server ${this.host}:${this.port}: server error`, e));
        if (this.state === 'unbound') {
          // Unbound while the listen was under way.
          this.server.close();
          reject(new Error(`HTTP server ${this.host}:${this.port}: unbound before it finished binding`));
          return;
        }
        this.state = 'listening';
        this.binding = new Binding(this, this.server.address() as AddressInfo);
        resolve(this.binding);
      });
    });
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => {
      this.sockets.delete(socket);
      this.checkTerminated();
    });
    const connection = new ServerConnection(socket, this);
    (socket as Socket & { [kConnection]?: ServerConnection })[kConnection] = connection;
    if (!this.accepting) connection.reject();
    else this.onConnection(connection);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.terminating) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    try {
      this.options.upgrade!(req, socket, head);
    } catch (e) {
      this.settings.logger.error(`HTTP server: the upgrade listener failed for ${req.method} ${req.url}`, e);
      socket.destroy();
    }
  }

  /** No more connections go to the application: those it has not been given are closed. */
  stopDelivering(isDelivered: (connection: ServerConnection) => boolean): void {
    this.accepting = false;
    for (const socket of this.sockets) {
      const connection = (socket as Socket & { [kConnection]?: ServerConnection })[kConnection];
      if (connection !== undefined && !isDelivered(connection)) connection.reject();
    }
  }

  unbind(): Promise<void> {
    if (this.state !== 'unbound') {
      const wasListening = this.state === 'listening';
      this.state = 'unbound';
      // Node's close() releases the port at once, closes idle keep-alive connections and emits 'close'
      // only when the last connection is gone; connections with requests in flight carry on.
      if (wasListening) this.server.close();
      this.onUnbound();
      this.checkTerminated();
    }
    return Promise.resolve();
  }

  terminate(hardDeadlineMs: number): Promise<void> {
    requireMillis('ServerBinding.terminate', 'hardDeadlineMs', hardDeadlineMs, true);
    if (this.terminatePromise !== null) return this.terminatePromise;
    this.terminating = true;
    void this.unbind();
    this.server.closeIdleConnections();
    if (this.sockets.size > 0) {
      this.deadline = this.materializer.scheduler.scheduleOnce(hardDeadlineMs, () => {
        this.deadline = null;
        for (const socket of this.sockets) socket.destroy();
      });
    }
    this.terminatePromise = this.whenTerminated;
    this.checkTerminated();
    return this.terminatePromise;
  }

  responseDone(): void {
    // While terminating, a connection whose last response went out has nothing left to do.
    if (this.terminating) setImmediate(() => this.server.closeIdleConnections());
  }

  private checkTerminated(): void {
    if (this.state !== 'unbound' || this.sockets.size > 0) return;
    this.deadline?.cancel();
    this.deadline = null;
    this.resolveTerminated();
  }
}

class Binding implements ServerBinding {
  readonly host: string;
  readonly port: number;
  readonly whenTerminated: Promise<void>;

  constructor(
    private readonly runtime: HttpServerRuntime,
    readonly localAddress: AddressInfo,
  ) {
    this.host = runtime.host;
    this.port = localAddress.port;
    this.whenTerminated = runtime.whenTerminated;
  }

  unbind(): Promise<void> {
    return this.runtime.unbind();
  }

  terminate(hardDeadlineMs: number): Promise<void> {
    return this.runtime.terminate(hardDeadlineMs);
  }

  toString(): string {
    return `ServerBinding(${this.localAddress.address}:${this.port})`;
  }
}
