/**
 * `EventSource.create(url, options)`: a source of server-sent events over a plain HTTP GET (the
 * platform `EventSource` pushes events at you; this one is pulled).
 *
 * Back-pressure: the body is read in paused mode, one chunk only when the events parsed from the
 * previous one have all gone downstream — so a consumer that does not pull leaves the bytes in the
 * socket and TCP slows the server down.
 *
 * Reconnection: when the stream ends or the connection fails, the stage waits and connects again,
 * sending `Last-Event-ID` (the latest id seen, or `options.lastEventId`). The wait starts at the
 * server's `retry:` (else `minBackoffMs`) and doubles after each attempt that delivered no event, up
 * to `maxBackoffMs`. As the standard says, a `204` ends the stream, and a response other than `200`
 * with `text/event-stream` fails it (no reconnection). With `reconnect: false`, the end of the body
 * completes the stream and a network error fails it. All timers run on the materializer's scheduler.
 */
import type { Readable } from 'node:stream';
import { type AsyncCallback, GraphStage, type GraphStageLogic, type OutHandler, Outlet, SourceShape, TimerGraphStageLogic } from '@tributary/core/stage';
import { Pool } from 'undici';
import { EventSourceError } from '../errors.js';
import type { HttpHeaders } from '../HttpHeaders.js';
import type { ServerSentEvent } from '../ServerSentEvent.js';
import { SseParser } from './SseParser.js';

export interface EventSourceConfig {
  readonly url: URL;
  readonly reconnect: boolean;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly lastEventId: string | undefined;
  readonly headers: HttpHeaders;
  readonly maxEventBytes: number;
}

interface Response {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Readable;
}

const ReconnectTimer = 'reconnect';

export class EventSourceStage extends GraphStage<SourceShape<ServerSentEvent>> {
  readonly out = new Outlet<ServerSentEvent>('EventSource.out');
  readonly shape = new SourceShape(this.out);

  constructor(readonly config: EventSourceConfig) {
    super();
  }

  override get defaultName(): string {
    return 'EventSource';
  }

  createLogic(): GraphStageLogic {
    return new EventSourceLogic(this);
  }
}

class EventSourceLogic extends TimerGraphStageLogic implements OutHandler {
  private pool: Pool | null = null;
  private abort: AbortController | null = null;
  private body: Readable | null = null;
  private parser: SseParser | null = null;
  private readonly pending: ServerSentEvent[] = [];
  private lastEventId: string | undefined;
  private retryMs: number | undefined;
  private failedAttempts = 0;
  private deliveredSinceConnect = false;
  private finishing = false;
  private stopped = false;
  private readonly out: Outlet<ServerSentEvent>;
  private readonly config: EventSourceConfig;
  private readonly where: string;
  private readonly onResponse: AsyncCallback<Response>;
  private readonly onConnectFailed: AsyncCallback<unknown>;
  private readonly onReadable: AsyncCallback<Readable>;
  private readonly onBodyEnd: AsyncCallback<Readable>;
  private readonly onBodyError: AsyncCallback<[Readable, unknown]>;
  private readonly bodyListeners: [string, (...args: any[]) => void][];

  constructor(stage: EventSourceStage) {
    super(stage.shape);
    this.out = stage.out;
    this.config = stage.config;
    this.where = `EventSource(${stage.config.url.href})`;
    this.lastEventId = stage.config.lastEventId;
    this.setHandler(stage.out, this);
    this.onResponse = this.getAsyncCallback((r) => this.responded(r));
    this.onConnectFailed = this.getAsyncCallback((e) => this.lost(e));
    this.onReadable = this.getAsyncCallback((b) => {
      if (b === this.body) this.read();
    });
    this.onBodyEnd = this.getAsyncCallback((b) => {
      if (b === this.body) this.bodyEnded();
    });
    this.onBodyError = this.getAsyncCallback(([b, e]) => {
      if (b === this.body) this.lost(e);
    });
    this.bodyListeners = [];
  }

  override preStart(): void {
    this.pool = new Pool(this.config.url.origin, { connections: 1, bodyTimeout: 0, pipelining: 1 });
    this.connect();
  }

  private connect(): void {
    const url = this.config.url;
    const headers: Record<string, string | string[]> = {
      ...(this.config.headers as Record<string, string | string[]>),
      accept: 'text/event-stream',
      'cache-control': 'no-cache',
    };
    if (this.lastEventId !== undefined) headers['last-event-id'] = this.lastEventId;
    const abort = new AbortController();
    this.abort = abort;
    this.deliveredSinceConnect = false;
    this.pool!.request({ path: url.pathname + url.search, method: 'GET', headers, signal: abort.signal }).then(
      (data) => {
        const r: Response = { statusCode: data.statusCode, headers: data.headers, body: data.body };
        this.onResponse.invokeWithFeedback(r).catch(() => data.body.destroy());
      },
      (e: unknown) => this.onConnectFailed.invoke(e),
    );
  }

  private responded(r: Response): void {
    if (this.stopped) {
      r.body.destroy();
      return;
    }
    const contentType = r.headers['content-type'];
    const type = (Array.isArray(contentType) ? contentType[0] : contentType) ?? '';
    if (r.statusCode === 204) {
      r.body.destroy();
      this.finish();
      return;
    }
    if (r.statusCode !== 200 || !/^text\/event-stream\b/i.test(type)) {
      r.body.destroy();
      const what = r.statusCode !== 200 ? `status ${r.statusCode}` : `content type ${JSON.stringify(type)}`;
      this.failStage(new EventSourceError(this.config.url.href, r.statusCode, `expected 200 with text/event-stream, got ${what}; not reconnecting`));
      return;
    }
    const body = r.body;
    this.body = body;
    this.parser = new SseParser(this.config.maxEventBytes, this.where);
    this.bodyListeners.length = 0;
    this.bodyListeners.push(
      ['readable', () => this.onReadable.invoke(body)],
      ['end', () => this.onBodyEnd.invoke(body)],
      ['error', (e: unknown) => this.onBodyError.invoke([body, e])],
      ['close', () => this.onBodyError.invoke([body, new Error(`${this.where}: the connection closed`)])],
    );
    for (const [event, listener] of this.bodyListeners) body.on(event, listener);
    this.read();
  }

  onPull(): void {
    this.emitPending();
    if (this.pending.length === 0) this.read();
  }

  /** Reads the next chunk only when every event parsed so far has gone downstream. */
  private read(): void {
    const body = this.body;
    while (body !== null && this.pending.length === 0 && this.isAvailable(this.out)) {
      const chunk = body.read() as Buffer | null;
      if (chunk === null) return;
      try {
        this.parser!.push(chunk, this.pending);
      } catch (e) {
        this.failStage(e);
        return;
      }
      this.track();
      this.emitPending();
    }
  }

  private track(): void {
    const p = this.parser!;
    if (p.lastEventId !== undefined) this.lastEventId = p.lastEventId;
    if (p.retryMs !== undefined) this.retryMs = p.retryMs;
    if (this.pending.length > 0) this.deliveredSinceConnect = true;
  }

  private emitPending(): void {
    if (this.pending.length > 0 && this.isAvailable(this.out)) this.push(this.out, this.pending.shift()!);
    if (this.finishing && this.pending.length === 0) this.completeStage();
  }

  private bodyEnded(): void {
    this.parser!.end(this.pending);
    this.track();
    this.releaseBody(false);
    if (this.config.reconnect) this.scheduleReconnect();
    else this.finish();
    this.emitPending();
  }

  /** The connection failed or broke. */
  private lost(error: unknown): void {
    if (this.stopped) return;
    this.releaseBody(true);
    if (this.config.reconnect) this.scheduleReconnect();
    else this.failStage(error);
  }

  private finish(): void {
    this.finishing = true;
    this.emitPending();
  }

  private scheduleReconnect(): void {
    if (this.deliveredSinceConnect) this.failedAttempts = 0;
    const base = this.retryMs ?? this.config.minBackoffMs;
    const cap = Math.max(base, this.config.maxBackoffMs);
    const delay = Math.min(cap, base * 2 ** this.failedAttempts);
    this.failedAttempts = Math.min(this.failedAttempts + 1, 30);
    this.scheduleOnce(ReconnectTimer, delay);
  }

  protected onTimer(): void {
    this.connect();
  }

  private releaseBody(destroy: boolean): void {
    const body = this.body;
    if (body === null) return;
    this.body = null;
    for (const [event, listener] of this.bodyListeners) body.removeListener(event, listener);
    body.on('error', () => {});
    if (destroy && !body.destroyed) body.destroy();
  }

  override postStop(): void {
    this.stopped = true;
    this.abort?.abort();
    this.releaseBody(true);
    const pool = this.pool;
    this.pool = null;
    if (pool !== null) void pool.destroy().catch(() => {});
  }
}
