import { Flow, type Graph, Materializer } from '@tributary/core';
import type { SinkShape, SourceShape } from '@tributary/core/stage';
import { Http, HttpResponse, type ServerBinding, ServerSettings } from '@tributary/http';
import { WebSocket as WsSocket } from 'ws';
import { describeValue } from './internal/validate.js';
import { WebSocketConnectionStage } from './internal/WebSocketConnectionStage.js';
import { WebSocketServerBinding } from './internal/WebSocketServerBinding.js';
import { type WebSocketHandler, type WebSocketUpgradeListener, WebSocketUpgradeRuntime } from './internal/WebSocketUpgradeRuntime.js';
import type { Message, OutgoingMessage } from './Message.js';
import { type WebSocketOptions, WebSocketSettings } from './WebSocketSettings.js';
import type { WebSocketUpgradeResponse } from './WebSocketUpgradeResponse.js';

/** Where `WebSocket.bind` listens, and how its connections run. */
export interface WebSocketBindOptions {
  readonly host: string;
  /** `0` picks a free port (see `binding.port`). */
  readonly port: number;
  /** Only upgrade requests for this path (the query is ignored) are served; others get `404`. */
  readonly path?: string;
  readonly settings?: WebSocketSettings | WebSocketOptions;
  /** Settings of the HTTP server underneath (e.g. `maxConnections`); default `ServerSettings.default`. */
  readonly serverSettings?: ServerSettings;
  /** Runs the connections' streams (default `Materializer.default`). */
  readonly materializer?: Materializer;
}

/** Options of `WebSocket.upgradeHandler`. */
export interface WebSocketUpgradeOptions {
  readonly path?: string;
  readonly settings?: WebSocketSettings | WebSocketOptions;
  readonly materializer?: Materializer;
}

/**
 * WebSockets as streams: a connection is a `Flow` of messages in, messages out, with back-pressure that
 * reaches the socket both ways (see `WebSocketSettings` and docs/ws.md).
 */
export const WebSocket = {
  /**
   * A client connection to `url` (`ws:` or `wss:`), opened when the flow is materialized: elements
   * flowing in are sent, messages received flow out. Materializes the upgrade response once the
   * connection is open (rejects with `WebSocketUpgradeError` if the server refuses the upgrade, or with
   * the connection error).
   *
   * - **Emits when** a message has arrived and downstream pulls. When downstream does not pull, the
   *   socket is paused: the sender is held back by TCP, nothing piles up here.
   * - **Backpressures when** the socket's `bufferedAmount` is at or over `maxBufferedBytes` (the network
   *   or the peer is slower than upstream), or the connection is not open yet.
   * - **Completes when** the connection closes cleanly — the peer's close frame, or its answer to ours
   *   (code and reason on `closed`) — after the messages received before it have been emitted.
   * - **Fails when** the upgrade is refused or the connection cannot be made, the connection is lost
   *   without a close frame (1006), an incoming message is bigger than `maxPayload` (1009) or is invalid
   *   UTF-8 text (1007), the peer stops answering keep-alive pings, or upstream fails (then the peer
   *   gets 1011 and this side fails with upstream's error).
   * - **Cancels when** the connection has closed; upstream completion closes it with 1000 (after the
   *   messages already sent), downstream cancellation with 1000 too.
   *
   * @example
   * const [upgrade, replies] = Source.from(['hello', 'world']).concat(Source.never())
   *   .viaMat(WebSocket.clientFlow('ws://127.0.0.1:8080/echo'), Keep.right)
   *   .take(2).toMat(Sink.seq(), Keep.both).run();
   * console.log((await upgrade).protocol, await replies); // '' ['hello', 'world']
   */
  clientFlow(url: string | URL, settings?: WebSocketSettings | WebSocketOptions): Flow<OutgoingMessage, Message, Promise<WebSocketUpgradeResponse>> {
    const where = 'WebSocket.clientFlow';
    const target = requireWebSocketUrl(where, url);
    const s = WebSocketSettings.from(where, settings);
    const open = (): { ws: WsSocket } => ({
      ws: new WsSocket(target, [...s.protocols], {
        headers: { ...s.headers },
        maxPayload: s.maxPayload,
        perMessageDeflate: s.perMessageDeflate,
        handshakeTimeout: s.handshakeTimeoutMs,
        followRedirects: false,
      }),
    });
    return Flow.fromGraph(new WebSocketConnectionStage(`${where}(${target})`, target, open, s));
  },

  /**
   * A WebSocket server on `host:port`: each accepted connection runs its own materialization of the
   * handler flow (a function handler chooses the flow per upgrade request and may refuse it with
   * `undefined` → `404`). Plain HTTP requests are answered `426 Upgrade Required`. Resolves once the
   * server listens; `binding.terminate(ms)` closes open connections with 1001 (Going Away) and destroys
   * what is still open at the deadline.
   *
   * Each connection's stream has the semantics of `clientFlow`, seen from the server:
   *
   * - **Emits when** (into the handler) a client message has arrived and the handler pulls; when it
   *   does not pull, the connection's socket is paused and the client is held back by TCP.
   * - **Backpressures when** (the handler's replies) the socket's `bufferedAmount` is at or over
   *   `maxBufferedBytes`.
   * - **Completes when** (the handler's input) the client closes the connection, or the binding is
   *   terminated (1001).
   * - **Cancels when** (the handler's output) the connection has closed. The handler's output
   *   completing closes the connection with 1000, its failure with 1011 and the error message as reason.
   *
   * @example
   * const binding = await WebSocket.bind({ host: '127.0.0.1', port: 8080, path: '/echo' },
   *   Flow.create<Message>().map((m) => (typeof m === 'string' ? m.toUpperCase() : m)));
   */
  bind(options: WebSocketBindOptions, handler: WebSocketHandler): Promise<ServerBinding> {
    const where = 'WebSocket.bind';
    if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be { host, port, path? }, got ${describeValue(options)}`);
    if (typeof options.host !== 'string' || options.host.length === 0)
      throw new TypeError(`${where}: host must be a non-empty host name or address, got ${describeValue(options.host)}`);
    const serverSettings = options.serverSettings ?? ServerSettings.default;
    if (!(serverSettings instanceof ServerSettings))
      throw new TypeError(`${where}: serverSettings must be ServerSettings (from @tributary/http), got ${describeValue(serverSettings)}`);
    const runtime = newRuntime(where, options, handler);
    const materializer = options.materializer ?? Materializer.default;
    return Http.newServerAt(options.host, options.port)
      .withSettings(serverSettings)
      .withMaterializer(materializer)
      .bind(() => upgradeRequired, { upgrade: runtime.listener() })
      .then((http) => new WebSocketServerBinding(http, runtime));
  },

  /**
   * An `'upgrade'` listener serving WebSockets with `handler`, to share a port with an HTTP server:
   * `Http.newServerAt(host, port).bind(httpHandler, { upgrade: WebSocket.upgradeHandler(flow) })` (any
   * Node `http.Server` takes it too: `server.on('upgrade', listener)`). `listener.shutdown()` closes its
   * open connections with 1001. A function handler chooses the flow per request (`undefined` → `404`);
   * with `path`, other paths get `404`.
   *
   * Each connection runs as with `WebSocket.bind`: **Emits when** a client message arrived and the
   * handler pulls (else the socket is paused); **Backpressures when** `bufferedAmount` is at or over
   * `maxBufferedBytes`; **Completes when** the client closes or `shutdown()` is called; **Cancels when**
   * the connection has closed.
   *
   * @example
   * const binding = await Http.newServerAt('127.0.0.1', 8080).bind(
   *   () => HttpResponse.ok('plain HTTP here'),
   *   { upgrade: WebSocket.upgradeHandler(Flow.create<Message>(), { path: '/ws' }) });
   */
  upgradeHandler(handler: WebSocketHandler, options: WebSocketUpgradeOptions = {}): WebSocketUpgradeListener {
    const where = 'WebSocket.upgradeHandler';
    if (options === null || typeof options !== 'object')
      throw new TypeError(`${where}: options must be { path?, settings?, materializer? }, got ${describeValue(options)}`);
    return newRuntime(where, options, handler).listener();
  },

  /**
   * A connection handler made of a sink for the client's messages and a source of messages to send,
   * coupled (`Flow.fromSinkAndSourceCoupled`): when either side ends, so does the other — and with it
   * the connection.
   *
   * - **Emits when** `source` emits (the message is sent).
   * - **Backpressures when** `sink` back-pressures (the connection's socket is then paused).
   * - **Completes when** `source` completes or `sink` cancels (the connection closes with 1000).
   * - **Cancels when** the client closes the connection (`sink` completes and `source` is cancelled).
   *
   * @example
   * WebSocket.bind({ host: '127.0.0.1', port: 0 }, () =>
   *   WebSocket.handleMessagesWithSinkSource(Sink.foreach(console.log), Source.tick(0, 1000, 'tick')));
   */
  handleMessagesWithSinkSource<I = Message, O extends OutgoingMessage = OutgoingMessage>(
    sink: Graph<SinkShape<I>, unknown>,
    source: Graph<SourceShape<O>, unknown>,
  ): Flow<I, O> {
    return Flow.fromSinkAndSourceCoupled(sink, source);
  },
} as const;

const upgradeRequired = new HttpResponse({
  status: 426,
  headers: { upgrade: 'websocket', connection: 'Upgrade' },
  entity: 'This endpoint serves WebSocket connections only (send an "Upgrade: websocket" request).\n',
});

function newRuntime(where: string, options: WebSocketUpgradeOptions, handler: WebSocketHandler): WebSocketUpgradeRuntime {
  if (typeof handler !== 'function' && (handler === null || typeof handler !== 'object' || !('shape' in handler))) {
    throw new TypeError(`${where}: handler must be a Flow<Message, Message> or a function (request) => Flow | undefined, got ${describeValue(handler)}`);
  }
  const path = options.path;
  if (path !== undefined && (typeof path !== 'string' || !path.startsWith('/')))
    throw new TypeError(`${where}: path must be a string starting with "/", got ${describeValue(path)}`);
  const materializer = options.materializer ?? Materializer.default;
  if (!(materializer instanceof Materializer)) throw new TypeError(`${where}: materializer must be a Materializer, got ${describeValue(materializer)}`);
  return new WebSocketUpgradeRuntime(handler, WebSocketSettings.from(where, options.settings), materializer, path);
}

function requireWebSocketUrl(where: string, url: unknown): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    throw new TypeError(`${where}: url must be an absolute ws: or wss: URL like "ws://localhost:8080/path", got ${describeValue(url)}`);
  }
  if ((typeof url !== 'string' && !(url instanceof URL)) || (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:')) {
    throw new TypeError(`${where}: url must be a ws: or wss: URL, got ${describeValue(String(url))}`);
  }
  return parsed.href;
}
