/**
 * One accepted connection of an HTTP server: the `IncomingConnection` handed to the application and
 * the dispatcher of the requests Node parses on it.
 *
 * Node's server parses pipelined requests ahead and keeps the responses in order; this class bounds
 * how far ahead: once `pipeliningLimit` requests are unanswered, it pauses the socket (after the last
 * one's body has arrived, so no body is cut off) and resumes when responses have gone out.
 *
 * Until the application handles the connection its requests wait here. With a handler function every
 * request is served directly; with a handler flow, the flow is materialized for this connection and
 * fed through a `RequestFeed`, its responses matched to the waiting exchanges in order.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type Graph, IllegalStateError, Keep, KillSwitches, type Materializer, type Scheduler, Sink, Source, type UniqueKillSwitch } from '@tributary/core';
import type { FlowShape } from '@tributary/core/stage';
import type { HttpRequest } from '../HttpRequest.js';
import { HttpResponse } from '../HttpResponse.js';
import type { IncomingConnection, RequestHandler } from '../IncomingConnection.js';
import type { ServerSettings } from '../ServerSettings.js';
import { type RequestFeed, RequestFeedSource } from './RequestFeedSource.js';
import { type Exchange, type ExchangeContext, type Produce, refuse, serveExchange } from './serveExchange.js';
import { describeValue, requireFunction } from './validate.js';

/** What a connection needs from the server it belongs to. */
export interface ServerContext {
  readonly settings: ServerSettings;
  readonly materializer: Materializer;
  readonly terminating: boolean;
  /** A response of this server finished (lets a terminating server close connections that became idle). */
  responseDone(): void;
}

type Pending = readonly [IncomingMessage, ServerResponse];

/** The parts of Node's HTTP server socket state that its own pipelining guard uses (see `pause`). */
type NodeHttpSocket = Socket & { _paused?: boolean; parser?: { resume(): void } | null };

const kExchange = Symbol('tributary.http.exchange');
type TrackedResponse = ServerResponse & { [kExchange]?: Exchange };

export class ServerConnection implements IncomingConnection, ExchangeContext {
  readonly localAddress: AddressInfo;
  readonly remoteAddress: AddressInfo;
  readonly settings: ServerSettings;
  readonly scheduler: Scheduler;
  materializer: Materializer;
  private produce: Produce | null = null;
  private waiting: Pending[] | null = [];
  private unanswered = 0;
  private pausedByUs = false;
  private flowRun: FlowRun | null = null;
  private closed = false;

  constructor(
    readonly socket: Socket,
    private readonly server: ServerContext,
  ) {
    this.settings = server.settings;
    this.materializer = server.materializer;
    this.scheduler = server.materializer.scheduler;
    this.localAddress = { address: socket.localAddress ?? '', family: socket.localFamily ?? '', port: socket.localPort ?? 0 };
    this.remoteAddress = { address: socket.remoteAddress ?? '', family: socket.remoteFamily ?? '', port: socket.remotePort ?? 0 };
    socket.once('close', () => this.onClose());
  }

  mustClose(): boolean {
    return this.server.terminating || (this.flowRun !== null && this.flowRun.ended);
  }

  handleWithAsyncHandler(handler: RequestHandler): void {
    requireFunction('IncomingConnection.handleWithAsyncHandler', 'handler', handler);
    this.checkUnhandled('handleWithAsyncHandler');
    this.install(handler);
  }

  handleWith(flow: Graph<FlowShape<HttpRequest, HttpResponse>, unknown>, materializer?: Materializer): void {
    if (flow === null || typeof flow !== 'object' || !('shape' in flow) || flow.shape.inlets.length !== 1 || flow.shape.outlets.length !== 1) {
      throw new TypeError(`IncomingConnection.handleWith: flow must be a Flow<HttpRequest, HttpResponse>, got ${describeValue(flow)}`);
    }
    this.checkUnhandled('handleWith');
    if (materializer !== undefined) this.materializer = materializer;
    const run = new FlowRun(flow, this.materializer, this.settings);
    this.flowRun = run;
    this.install((request) => run.enqueue(request));
    if (this.closed) run.stop();
  }

  private checkUnhandled(method: string): void {
    if (this.produce !== null)
      throw new IllegalStateError(
        `IncomingConnection.${method}: the connection from ${this.remoteAddress.address}:${this.remoteAddress.port} is already handled`,
      );
  }

  private install(produce: Produce): void {
    this.produce = produce;
    const waiting = this.waiting!;
    this.waiting = null;
    for (const [req, res] of waiting) this.dispatch(req, res);
  }

  /** Node parsed a request on this connection. */
  onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.unanswered++;
    res.once('close', () => {
      (res as TrackedResponse)[kExchange]?.closed();
      this.answered();
    });
    if (this.unanswered >= this.settings.pipeliningLimit && !this.pausedByUs) {
      // Stop reading further pipelined requests — but only once this one's body is in (a request
      // without a body is complete as soon as its head is).
      const h = req.headers;
      const hasBody = h['transfer-encoding'] !== undefined || (h['content-length'] !== undefined && h['content-length'] !== '0');
      if (!hasBody || req.complete) this.pause();
      else req.once('end', () => this.pause());
    }
    if (this.waiting !== null) this.waiting.push([req, res]);
    else this.dispatch(req, res);
  }

  private dispatch(req: IncomingMessage, res: ServerResponse): void {
    if (this.server.terminating) refuse(req, res, 503, 'The server is shutting down.');
    else if (this.flowRun?.ended === true) refuse(req, res, 503, 'The request handler of this connection has stopped.');
    else (res as TrackedResponse)[kExchange] = serveExchange(req, res, this.produce!, this);
  }

  /**
   * Node's HTTP parser reads the socket's handle directly, so `socket.pause()` alone does not stop it.
   * `_paused` and `parser` are the fields Node's own server uses for its pipelining flood guard
   * (`_http_server.js`): with `_paused` set, Node pauses the parser after the current read and does not
   * let a request body's reads resume the socket.
   */
  private pause(): void {
    if (this.pausedByUs || this.unanswered < this.settings.pipeliningLimit || this.socket.destroyed) return;
    this.pausedByUs = true;
    (this.socket as NodeHttpSocket)._paused = true;
    this.socket.pause();
  }

  private answered(): void {
    this.unanswered--;
    if (this.pausedByUs && this.unanswered < this.settings.pipeliningLimit) {
      this.pausedByUs = false;
      const socket = this.socket as NodeHttpSocket;
      if (socket._paused === true && !socket.destroyed) {
        socket._paused = false;
        socket.parser?.resume();
        socket.resume();
      }
    }
    this.server.responseDone();
  }

  /** The server will not serve this connection (it was never handed to the application): close it. */
  reject(): void {
    this.socket.destroy();
  }

  /** Whether a request is being served (or waits) on this connection. */
  get busy(): boolean {
    return this.unanswered > 0;
  }

  private onClose(): void {
    this.closed = true;
    this.flowRun?.stop();
  }
}

/**
 * A handler flow materialized for one connection. Responses are matched to requests in order; when
 * the flow ends early, requests still waiting are failed (the client gets 500) and the connection is
 * closed after them.
 */
class FlowRun {
  private readonly waiting: { resolve: (r: HttpResponse) => void; reject: (e: unknown) => void }[] = [];
  private readonly feed: RequestFeed;
  private readonly killSwitch: UniqueKillSwitch;
  ended = false;

  constructor(
    flow: Graph<FlowShape<HttpRequest, HttpResponse>, unknown>,
    materializer: Materializer,
    private readonly settings: ServerSettings,
  ) {
    const [[feed, killSwitch], done] = Source.fromGraph(new RequestFeedSource())
      .via(flow)
      .viaMat(KillSwitches.single<HttpResponse>(), Keep.both)
      .toMat(
        Sink.foreach<HttpResponse>((r) => this.onResponse(r)),
        Keep.both,
      )
      .run(materializer);
    this.feed = feed;
    this.killSwitch = killSwitch;
    done.then(
      () => this.onEnd(new Error("HTTP server: the connection's handler flow completed before it answered this request")),
      (e: unknown) => this.onEnd(e),
    );
  }

  enqueue(request: HttpRequest): Promise<HttpResponse> {
    return new Promise<HttpResponse>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.feed.offer(request);
    });
  }

  private onResponse(response: HttpResponse): void {
    const next = this.waiting.shift();
    if (next !== undefined) {
      next.resolve(response);
      return;
    }
    const what = response instanceof HttpResponse ? response.toString() : describeValue(response);
    this.settings.logger.error(`HTTP server: the handler flow emitted ${what} with no request waiting for it; it was dropped`);
    if (response instanceof HttpResponse) void response.entity.discardBytes().catch(() => {});
  }

  private onEnd(error: unknown): void {
    this.ended = true;
    for (const w of this.waiting.splice(0)) w.reject(error);
  }

  /** The connection closed: end the flow. */
  stop(): void {
    this.feed.complete();
    this.killSwitch.shutdown();
  }
}
