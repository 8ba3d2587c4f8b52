/**
 * One WebSocket connection as a `Flow<OutgoingMessage, Message>`: elements pushed in are sent, messages
 * received are emitted. Used by `WebSocket.clientFlow` (the socket is opened in `preStart`) and by the
 * server (the socket was accepted by the upgrade and is handed over already open).
 *
 * Back-pressure, both ways:
 * - inbound: `ws` parses whole TCP chunks, so a few messages may arrive after the stream stopped pulling;
 *   they wait in a queue, and the socket is paused (`ws.pause()`) as soon as one has to wait. Paused,
 *   Node stops reading the socket, the kernel's receive window fills and the sender is held back by TCP.
 *   The socket resumes when the queue has drained into a pulling downstream.
 * - outbound: the next element is pulled only while the socket's `bufferedAmount` (bytes not yet handed
 *   to the kernel) is under `maxBufferedBytes`; over it, the stage waits for the `send` callback of the
 *   last message (which fires when the socket has flushed it, and with it everything before) before
 *   looking again. A send that cannot reach the limit goes without a callback: waiting for every
 *   callback, even under the limit, would cap the rate at one message per I/O turn for no gain, since
 *   under the limit nothing is piling up.
 *
 * Termination: upstream completion closes with 1000 and upstream failure with 1011 (the inbound side
 * fails with that error); downstream cancellation closes with 1000 (1011 if the cause is a failure);
 * a close frame from the peer completes the inbound side once the queued messages are out; a protocol
 * error (oversized message, invalid UTF-8), a lost connection (no close frame) or a dead peer (keep-alive
 * timeout) fails it. The stage lives until the socket has closed — so no socket outlives it — and, should
 * it be stopped abruptly, destroys the socket in `postStop`.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  type AsyncCallback,
  FlowShape,
  type GraphStageLogic,
  GraphStageWithMaterializedValue,
  type InHandler,
  Inlet,
  NonFailureCancellation,
  type OutHandler,
  Outlet,
  TimerGraphStageLogic,
} from '@tributary/core/stage';
import type { RawData, WebSocket as WsSocket } from 'ws';
import { WebSocketError, WebSocketKeepAliveTimeoutError, WebSocketUpgradeError } from '../errors.js';
import type { Message, OutgoingMessage } from '../Message.js';
import type { WebSocketSettings } from '../WebSocketSettings.js';
import type { WebSocketCloseStatus, WebSocketUpgradeResponse } from '../WebSocketUpgradeResponse.js';
import { describeValue } from './validate.js';

const OPEN = 1;
const CLOSED = 3;
const KEEP_ALIVE = 'keepAlive';
const PONG_DEADLINE = 'pongDeadline';
const MAX_REASON_BYTES = 123;
const FRAME_HEADER_BYTES = 14;

/**
 * Opens the socket (client) or hands over the accepted one with its TCP socket (server). Called in
 * `preStart`. A client's TCP socket is learnt from the upgrade response.
 */
export type SocketProvider = () => { readonly ws: WsSocket; readonly tcp?: Duplex };

export class WebSocketConnectionStage extends GraphStageWithMaterializedValue<FlowShape<OutgoingMessage, Message>, Promise<WebSocketUpgradeResponse>> {
  readonly in = new Inlet<OutgoingMessage>('WebSocket.outgoing');
  readonly out = new Outlet<Message>('WebSocket.incoming');
  readonly shape = new FlowShape(this.in, this.out);

  constructor(
    /** Names the connection in errors, e.g. `WebSocket.clientFlow(ws://host/path)`. */
    readonly label: string,
    readonly url: string,
    readonly provideSocket: SocketProvider,
    readonly settings: WebSocketSettings,
  ) {
    super();
  }

  override get defaultName(): string {
    return 'WebSocket.connection';
  }

  createLogicAndMaterializedValue(): [GraphStageLogic, Promise<WebSocketUpgradeResponse>] {
    let resolve!: (r: WebSocketUpgradeResponse) => void;
    let reject!: (e: unknown) => void;
    const upgraded = new Promise<WebSocketUpgradeResponse>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // The caller may watch the stream rather than this promise: its rejection must not go unhandled.
    upgraded.catch(() => {});
    return [new WebSocketConnectionLogic(this, resolve, reject), upgraded];
  }
}

class WebSocketConnectionLogic extends TimerGraphStageLogic implements InHandler, OutHandler {
  private readonly in: Inlet<OutgoingMessage>;
  private readonly out: Outlet<Message>;
  private readonly settings: WebSocketSettings;
  private ws: WsSocket | null = null;
  /** The TCP socket under `ws`, corked while the stage sends within one tick. */
  private tcp: Duplex | null = null;
  private corked = false;
  private readonly uncork = (): void => {
    this.corked = false;
    this.tcp?.uncork();
  };
  private opened = false;
  private upgradeHeaders: IncomingMessage['headers'] = {};
  /** Messages received while downstream was not pulling; the socket is paused while any wait. */
  private readonly queue: Message[] = [];
  private queueHead = 0;
  private paused = false;
  /** Sequence number of the last message sent with a callback, and whether the stage waits for it. */
  private sent = 0;
  private awaitingFlush = false;
  /** The close this side asked for, applied once the socket is open. */
  private closeRequested: { code: number; reason: string } | null = null;
  private failure: unknown = null;
  private closeStatus: WebSocketCloseStatus | null = null;
  private heardFromPeer = false;
  private awaitingPong = false;
  private resolveClosed!: (s: WebSocketCloseStatus) => void;
  private readonly closed: Promise<WebSocketCloseStatus>;
  private readonly onMessage: AsyncCallback<[RawData, boolean]>;
  private readonly onFlushed: AsyncCallback<number>;
  private readonly listeners: [event: string, listener: (...args: any[]) => void][];

  constructor(
    private readonly stage: WebSocketConnectionStage,
    private readonly resolveUpgrade: (r: WebSocketUpgradeResponse) => void,
    private readonly rejectUpgrade: (e: unknown) => void,
  ) {
    super(stage.shape);
    this.in = stage.in;
    this.out = stage.out;
    this.settings = stage.settings;
    this.setHandlers(stage.in, stage.out, this);
    this.closed = new Promise<WebSocketCloseStatus>((resolve) => (this.resolveClosed = resolve));
    this.onMessage = this.getAsyncCallback(this.received);
    this.onFlushed = this.getAsyncCallback(this.flushed);
    const onOpen = this.getAsyncCallback<undefined>(this.socketOpened);
    const onUpgrade = this.getAsyncCallback<IncomingMessage>((res) => {
      this.upgradeHeaders = res.headers;
      this.tcp = res.socket;
    });
    const onUnexpected = this.getAsyncCallback<IncomingMessage>(this.upgradeRefused);
    const onError = this.getAsyncCallback<Error>(this.socketError);
    const onClose = this.getAsyncCallback<[number, Buffer]>(this.socketClosed);
    const onHeard = this.getAsyncCallback<undefined>(this.heard);
    this.listeners = [
      ['message', (data: RawData, isBinary: boolean) => this.onMessage.invoke([data, isBinary])],
      ['open', () => onOpen.invoke(undefined)],
      ['upgrade', (res: IncomingMessage) => onUpgrade.invoke(res)],
      [
        'unexpected-response',
        (_req: unknown, res: IncomingMessage) => {
          // With this listener, aborting the handshake is ours to do; `ws` then reports error and close.
          res.resume();
          onUnexpected.invoke(res);
          this.ws?.terminate();
        },
      ],
      ['error', (e: Error) => onError.invoke(e)],
      ['close', (code: number, reason: Buffer) => onClose.invoke([code, reason])],
      ['pong', () => onHeard.invoke(undefined)],
      ['ping', () => onHeard.invoke(undefined)],
    ];
  }

  override preStart(): void {
    // The stage outlives its ports until the socket has closed: nothing of the connection survives it.
    this.setKeepGoing(true);
    let ws: WsSocket;
    try {
      const provided = this.stage.provideSocket();
      ws = provided.ws;
      this.tcp = provided.tcp ?? null;
    } catch (e) {
      this.rejectUpgrade(e);
      this.failStage(e);
      return;
    }
    this.ws = ws;
    for (const [event, listener] of this.listeners) ws.on(event, listener);
    if (ws.readyState === OPEN) this.socketOpened();
    else if (ws.readyState === CLOSED) this.socketClosed([1006, Buffer.alloc(0)]);
  }

  // ── outbound ──

  onPush(): void {
    const message = this.grab(this.in);
    const ws = this.ws!;
    if (typeof message !== 'string' && !(message instanceof Uint8Array)) {
      this.failConnection(
        new TypeError(`${this.stage.label}: an outgoing message must be a string (text) or a Uint8Array/Buffer (binary), got ${describeValue(message)}`),
      );
      return;
    }
    if (ws.readyState !== OPEN) return; // closing: the close handler cancels upstream
    const binary = typeof message !== 'string';
    // An upper bound of what this send adds to bufferedAmount (UTF-8 is at most 3 bytes per UTF-16
    // unit; a frame header at most 14 bytes). When even that stays under the limit, the stage need
    // not hear when this message is flushed: it pulls again at once, and a busy connection pays for
    // no callback at all.
    const bound = (binary ? message.byteLength : message.length * 3) + FRAME_HEADER_BYTES;
    // Messages sent in the same tick leave in one write (one system call), as Node's HTTP does it.
    if (!this.corked && this.tcp !== null) {
      this.corked = true;
      this.tcp.cork();
      process.nextTick(this.uncork);
    }
    if (ws.bufferedAmount + bound < this.settings.maxBufferedBytes) {
      ws.send(message, { binary });
    } else {
      const seq = ++this.sent;
      const onFlushed = this.onFlushed;
      ws.send(message, { binary }, () => onFlushed.invoke(seq));
    }
    this.pullIfRoom();
  }

  private pullIfRoom(): void {
    const ws = this.ws;
    if (ws === null || !this.opened || ws.readyState !== OPEN || this.isClosed(this.in) || this.hasBeenPulled(this.in)) return;
    if (ws.bufferedAmount < this.settings.maxBufferedBytes) {
      this.awaitingFlush = false;
      this.pull(this.in);
    } else {
      this.awaitingFlush = true;
    }
  }

  private flushed(seq: number): void {
    if (this.awaitingFlush && seq === this.sent) this.pullIfRoom();
  }

  onUpstreamFinish(): void {
    this.requestClose(1000, '');
  }

  onUpstreamFailure(error: unknown): void {
    this.failConnection(error);
  }

  // ── inbound ──

  private received([data, isBinary]: [RawData, boolean]): void {
    this.heardFromPeer = true;
    if (this.awaitingPong) this.pongReceived();
    if (this.isClosed(this.out)) return;
    const message: Message = isBinary ? toBuffer(data) : toBuffer(data).toString('utf8');
    if (this.queueHead === this.queue.length && this.isAvailable(this.out)) {
      this.push(this.out, message);
      return;
    }
    this.queue.push(message);
    if (!this.paused) {
      this.paused = true;
      this.ws!.pause();
    }
  }

  onPull(): void {
    const queue = this.queue;
    if (this.queueHead < queue.length) {
      const message = queue[this.queueHead]!;
      queue[this.queueHead++] = undefined as unknown as Message;
      if (this.queueHead === queue.length) {
        queue.length = 0;
        this.queueHead = 0;
      }
      this.push(this.out, message);
    }
    if (this.queueHead < queue.length) return;
    if (this.closeStatus !== null) {
      this.finish();
      return;
    }
    if (this.paused) {
      this.paused = false;
      this.ws!.resume();
    }
  }

  onDownstreamFinish(cause: unknown): void {
    this.queue.length = 0;
    this.queueHead = 0;
    if (this.paused && this.ws !== null) {
      // Let the peer's answer to our close frame (and anything before it) be read.
      this.paused = false;
      this.ws.resume();
    }
    if (cause instanceof NonFailureCancellation) this.requestClose(1000, '');
    else this.failConnection(cause);
  }

  // ── socket events ──

  private socketOpened(): void {
    if (this.opened) return;
    this.opened = true;
    const ws = this.ws!;
    this.resolveUpgrade({ status: 101, headers: this.upgradeHeaders, protocol: ws.protocol, closed: this.closed });
    if (this.settings.keepAliveMs > 0) this.scheduleWithFixedDelay(KEEP_ALIVE, this.settings.keepAliveMs, this.settings.keepAliveMs);
    const close = this.closeRequested;
    if (close !== null) ws.close(close.code, close.reason);
    else this.pullIfRoom();
  }

  private upgradeRefused(res: IncomingMessage): void {
    this.fatal(new WebSocketUpgradeError(this.stage.url, res.statusCode ?? 0, res.headers));
  }

  private socketError(error: Error): void {
    this.fatal(this.describeSocketError(error));
  }

  private socketClosed([code, reason]: [number, Buffer]): void {
    if (this.closeStatus !== null) return;
    this.closeStatus = { code, reason: reason.toString('utf8') };
    this.resolveClosed(this.closeStatus);
    this.cancelTimer(KEEP_ALIVE);
    this.cancelTimer(PONG_DEADLINE);
    if (!this.opened) {
      const e = this.failure ?? new WebSocketError(`${this.stage.label}: the connection closed before the upgrade completed (${code})`, code);
      this.rejectUpgrade(e);
      this.failure ??= e;
    } else if (code === 1006 && this.failure === null && this.closeRequested === null) {
      this.failure = new WebSocketError(`${this.stage.label}: the connection was lost (closed without a close frame, 1006)`, 1006);
    }
    if (!this.isClosed(this.in)) this.cancel(this.in);
    if (this.failure !== null || this.queueHead === this.queue.length) this.finish();
    // Otherwise the queued messages go out first; `onPull` finishes once they have.
  }

  private heard(): void {
    this.heardFromPeer = true;
    if (this.awaitingPong) this.pongReceived();
  }

  private pongReceived(): void {
    this.awaitingPong = false;
    this.cancelTimer(PONG_DEADLINE);
  }

  protected onTimer(key: unknown): void {
    const ws = this.ws;
    if (ws === null || ws.readyState !== OPEN) return;
    if (key === KEEP_ALIVE) {
      if (this.heardFromPeer || this.paused) {
        this.heardFromPeer = false;
        return;
      }
      if (this.awaitingPong) return;
      this.awaitingPong = true;
      ws.ping();
      this.scheduleOnce(PONG_DEADLINE, this.settings.keepAliveTimeoutMs);
    } else if (key === PONG_DEADLINE) {
      this.awaitingPong = false;
      // Paused, we could not have read the pong: the silence is ours, not the peer's.
      if (this.paused) return;
      this.fatal(new WebSocketKeepAliveTimeoutError(this.settings.keepAliveMs, this.settings.keepAliveTimeoutMs));
      ws.terminate();
    }
  }

  // ── termination ──

  /** A close this side asked for, sent once every message before it is out. */
  private requestClose(code: number, reason: string): void {
    if (this.closeRequested !== null) return;
    this.closeRequested = { code, reason };
    const ws = this.ws;
    if (ws !== null && this.opened && ws.readyState === OPEN) ws.close(code, reason);
  }

  /** The stream failed on this side: the peer gets 1011, the inbound side fails with the error. */
  private failConnection(error: unknown): void {
    if (this.failure === null) this.failure = error;
    if (!this.isClosed(this.in)) this.cancel(this.in, error);
    if (!this.isClosed(this.out)) this.fail(this.out, error);
    if (this.ws === null) {
      this.completeStage();
      return;
    }
    if (!this.opened) {
      this.rejectUpgrade(error);
      this.ws.terminate();
      return;
    }
    this.requestClose(1011, truncateReason(error instanceof Error ? error.message : String(error)));
  }

  /** The connection itself failed (refused upgrade, protocol error, dead peer): `ws` closes it. */
  private fatal(error: unknown): void {
    if (this.failure === null) this.failure = error;
    if (!this.opened) this.rejectUpgrade(error);
    if (!this.isClosed(this.in)) this.cancel(this.in, error);
    if (!this.isClosed(this.out)) this.fail(this.out, error);
  }

  private finish(): void {
    if (!this.isClosed(this.out)) {
      if (this.failure !== null) this.fail(this.out, this.failure);
      else this.complete(this.out);
    }
    this.completeStage();
  }

  private describeSocketError(error: Error): unknown {
    const code = (error as { code?: unknown }).code;
    const label = this.stage.label;
    if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      return new WebSocketError(
        `${label}: an incoming message is larger than maxPayload (${this.settings.maxPayload} bytes); the connection was closed with 1009`,
        1009,
        { cause: error },
      );
    }
    if (code === 'WS_ERR_INVALID_UTF8') {
      return new WebSocketError(`${label}: an incoming text message is not valid UTF-8; the connection was closed with 1007`, 1007, { cause: error });
    }
    if (typeof code === 'string' && code.startsWith('WS_ERR_')) {
      return new WebSocketError(`${label}: protocol error from the peer (${code}): ${error.message}`, 1002, { cause: error });
    }
    if (!this.opened) return new WebSocketError(`${label}: could not connect: ${error.message}`, undefined, { cause: error });
    return new WebSocketError(`${label}: ${error.message}`, undefined, { cause: error });
  }

  override postStop(): void {
    const ws = this.ws;
    if (!this.opened) this.rejectUpgrade(this.failure ?? new WebSocketError(`${this.stage.label}: the stream stopped before the connection opened`));
    if (this.closeStatus === null) this.resolveClosed({ code: 1006, reason: '' });
    if (ws === null) return;
    for (const [event, listener] of this.listeners) ws.removeListener(event, listener);
    // A late error of a socket we no longer watch must not crash the process.
    ws.on('error', ignore);
    if (ws.readyState !== CLOSED) ws.terminate();
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** A close reason is at most 123 bytes of UTF-8 (RFC 6455 §5.5); cut on a character boundary. */
function truncateReason(reason: string): string {
  if (Buffer.byteLength(reason) <= MAX_REASON_BYTES) return reason;
  let cut = reason.slice(0, MAX_REASON_BYTES);
  while (Buffer.byteLength(cut) > MAX_REASON_BYTES - 3) cut = cut.slice(0, -1);
  return `${cut}...`;
}

const ignore = (): void => {};
