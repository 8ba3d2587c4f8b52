/**
 * The server side: an `'upgrade'` listener that completes WebSocket handshakes with `ws` (no server of
 * its own) and runs the handler flow once per accepted connection, joined to that connection's stage.
 * It tracks the open connections so that a shutdown can close them with 1001 (Going Away).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ClosedShape, GraphDSL, type Materializer, RunnableGraph } from '@tributary/core';
import type { FlowShape, Graph } from '@tributary/core/stage';
import { WebSocketServer, type WebSocket as WsSocket } from 'ws';
import type { Message, OutgoingMessage } from '../Message.js';
import type { WebSocketSettings } from '../WebSocketSettings.js';
import { WebSocketConnectionStage } from './WebSocketConnectionStage.js';

/** A flow serving one connection: it receives the client's messages and emits the replies. */
export type WebSocketFlow = Graph<FlowShape<Message, OutgoingMessage>, unknown>;

/**
 * The handler of a WebSocket server: a flow (materialized once per connection), or a function choosing
 * the flow from the upgrade request, returning `undefined` to refuse the upgrade with `404 Not Found`.
 */
export type WebSocketHandler = WebSocketFlow | ((request: IncomingMessage) => WebSocketFlow | undefined);

/** An `'upgrade'` listener for a Node HTTP server (e.g. `@tributary/http`'s `bind(…, { upgrade })`). */
export interface WebSocketUpgradeListener {
  (request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Connections currently open. */
  readonly openConnections: number;
  /**
   * Closes every open connection with `code` (default 1001 Going Away) and refuses later upgrades
   * with `503`. Resolves when the connections have closed.
   */
  shutdown(code?: number, reason?: string): Promise<void>;
}

export class WebSocketUpgradeRuntime {
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<WsSocket>();
  private shuttingDown = false;

  constructor(
    private readonly handler: WebSocketHandler,
    private readonly settings: WebSocketSettings,
    private readonly materializer: Materializer,
    private readonly path: string | undefined,
  ) {
    const supported = settings.protocols;
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: settings.maxPayload,
      perMessageDeflate: settings.perMessageDeflate,
      // The first subprotocol the client offers that this server speaks; none when there is no match.
      handleProtocols: (offered: Set<string>) => {
        for (const p of offered) if (supported.includes(p)) return p;
        return false;
      },
    });
  }

  get openConnections(): number {
    return this.connections.size;
  }

  listener(): WebSocketUpgradeListener {
    const listener = ((request: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(request, socket, head)) as WebSocketUpgradeListener;
    Object.defineProperty(listener, 'openConnections', { get: () => this.connections.size });
    Object.defineProperty(listener, 'shutdown', { value: (code?: number, reason?: string) => this.shutdown(code, reason) });
    return listener;
  }

  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.shuttingDown) return refuse(socket, 503, 'Service Unavailable');
    if (this.path !== undefined && pathOf(request.url) !== this.path) return refuse(socket, 404, 'Not Found');
    let flow: WebSocketFlow | undefined;
    try {
      flow = typeof this.handler === 'function' ? this.handler(request) : this.handler;
    } catch (e) {
      console.error(`WebSocket server: the handler failed for ${request.url}`, e);
      return refuse(socket, 500, 'Internal Server Error');
    }
    if (flow === undefined) return refuse(socket, 404, 'Not Found');
    if (flow === null || typeof flow !== 'object' || !('shape' in flow)) {
      console.error(`WebSocket server: the handler returned ${String(flow)} for ${request.url}, expected a Flow<Message, Message> or undefined`);
      return refuse(socket, 500, 'Internal Server Error');
    }
    const chosen = flow;
    this.wss.handleUpgrade(request, socket, head, (ws) => this.serve(ws, socket, chosen, request));
  }

  private serve(ws: WsSocket, tcp: Duplex, flow: WebSocketFlow, request: IncomingMessage): void {
    this.connections.add(ws);
    ws.once('close', () => this.connections.delete(ws));
    if (this.shuttingDown) {
      ws.close(1001, 'server shutting down');
      return;
    }
    const label = `WebSocket server connection ${request.url ?? '/'} from ${request.socket.remoteAddress}:${request.socket.remotePort}`;
    const connection = new WebSocketConnectionStage(label, request.url ?? '/', () => ({ ws, tcp }), this.settings);
    const graph = GraphDSL.create((b) => {
      const c = b.add(connection);
      b.from(c.out).via(flow).to(c.in);
      return ClosedShape.instance;
    });
    try {
      RunnableGraph.fromGraph(graph).run(this.materializer);
    } catch (e) {
      console.error(`${label}: the handler flow could not be materialized`, e);
      ws.close(1011, 'handler failed');
    }
  }

  shutdown(code = 1001, reason = 'server shutting down'): Promise<void> {
    this.shuttingDown = true;
    const closing = [...this.connections].map(
      (ws) =>
        new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          ws.close(code, reason);
        }),
    );
    return Promise.all(closing).then(() => undefined);
  }
}

function pathOf(url: string | undefined): string {
  const target = url ?? '/';
  const q = target.indexOf('?');
  return q < 0 ? target : target.slice(0, q);
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
