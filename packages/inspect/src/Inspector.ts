/**
 * The live inspector: a web page that lists a materializer's streams and draws the selected one,
 * updated over server-sent events, plus the Prometheus exposition of the same counters.
 *
 * Routes, under the base path `path` (default `/`):
 *
 * | route | answers |
 * | --- | --- |
 * | `GET path` | the page (its script and style are served from this package: no CDN) |
 * | `GET path + 'inspector.js'`, `'inspector.css'` | the page's script and style |
 * | `GET path + 'api/streams'` | JSON: every stream's summary, and the view of one (`?stream=N`) |
 * | `GET path + 'api/events'` | `text/event-stream`: the same JSON as an `update` event every `intervalMs` |
 * | `GET path + 'metrics'` | Prometheus text exposition (`Inspector.serve` also answers `GET /metrics`) |
 *
 * The event feed (`api/events`) is a stream per open page, on the server's materializer:
 * - **Emits when** `intervalMs` passed and the page's connection has taken the previous update.
 * - **Backpressures when** the page does not read: updates due meanwhile are skipped, not queued.
 * - **Completes when** never on its own: it runs for as long as the page is open.
 * - **Cancels when** its connection closes: the page went away, or `terminate()` reached its deadline.
 *
 * Only counts, states, stage names and failure messages leave the process — never an element.
 */
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Materializer, Source } from '@tributary/core';
import { Http, HttpEntity, type HttpRequest, HttpResponse, type RequestHandler, type ServerBinding, ServerSentEvent } from '@tributary/http';
import { InspectorSession, OwnStreamMarker } from './InspectorSession.js';
import { type MetricsOptions, PrometheusContentType, renderMetrics, validateMetricsOptions } from './prometheus.js';

export interface InspectorOptions extends MetricsOptions {
  /** Where the page lives (default `/`): `'/inspect'` serves it at `/inspect/`. */
  readonly path?: string;
  /**
   * Require this bearer token on every request: an `Authorization: Bearer <token>` header, or
   * `?token=<token>` in the URL (what a browser can send: open the page as `…/?token=<token>`).
   */
  readonly token?: string;
  /** How often the page is updated (default 1000 ms). */
  readonly intervalMs?: number;
  /** A stream that made no progress for this long is shown as stalled (default 5000 ms). */
  readonly stallAfterMs?: number;
  /** How many ended streams stay listed (default 20; 0: none). */
  readonly keepFinished?: number;
}

export interface ServeOptions extends InspectorOptions {
  /** Default `127.0.0.1`: only this machine can connect. Binding elsewhere without a `token` logs a warning. */
  readonly host?: string;
  /** Default 0: the OS picks a free port; the binding says which. */
  readonly port?: number;
}

export interface HandlerOptions extends InspectorOptions {
  /** Answers requests outside the inspector's routes (default: 404). */
  readonly fallback?: RequestHandler;
}

/** A request handler for `Http.newServerAt(...).bind(...)` serving the inspector's routes. */
export interface InspectorHandler extends RequestHandler {
  /** Whether `request` is for one of the inspector's routes. */
  handles(request: HttpRequest): boolean;
  /** Stops watching the materializer's streams end. Requests answered afterwards still work. */
  close(): void;
}

const asset = (name: string): Buffer => readFileSync(new URL(`../assets/${name}`, import.meta.url));

const SecurityHeaders = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  // The token may be in the page's URL: never send it elsewhere.
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'",
};

const LoopbackHosts = new Set(['127.0.0.1', '::1', 'localhost']);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

function positiveMillis(where: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new RangeError(`${where}: ${name} must be a positive number of milliseconds, got ${describe(value)}`);
  return value;
}

interface Resolved {
  readonly base: string;
  readonly token: Buffer | undefined;
  readonly intervalMs: number;
  readonly stallAfterMs: number;
  readonly keepFinished: number;
}

function resolve(where: string, materializer: unknown, options: InspectorOptions): Resolved {
  if (!(materializer instanceof Materializer)) throw new TypeError(`${where}: expected a Materializer, got ${describe(materializer)}`);
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object, got ${describe(options)}`);
  validateMetricsOptions(where, options);
  const path = options.path ?? '/';
  if (typeof path !== 'string' || !path.startsWith('/') || /[?#\s]/.test(path)) {
    throw new TypeError(`${where}: path must be a URL path starting with "/" (no query, fragment or spaces), got ${describe(path)}`);
  }
  const token = options.token;
  if (token !== undefined && (typeof token !== 'string' || token.length === 0 || /\s/.test(token))) {
    throw new TypeError(
      `${where}: token must be a non-empty string without whitespace, got ${typeof token === 'string' ? 'a string with whitespace or an empty one' : describe(token)}`,
    );
  }
  const keepFinished = options.keepFinished ?? 20;
  if (!Number.isInteger(keepFinished) || keepFinished < 0)
    throw new RangeError(`${where}: keepFinished must be a non-negative integer, got ${describe(keepFinished)}`);
  return {
    base: path.endsWith('/') ? path : `${path}/`,
    token: token === undefined ? undefined : Buffer.from(token, 'utf8'),
    intervalMs: positiveMillis(where, 'intervalMs', options.intervalMs, 1000),
    stallAfterMs: positiveMillis(where, 'stallAfterMs', options.stallAfterMs, 5000),
    keepFinished,
  };
}

function authorized(token: Buffer | undefined, request: HttpRequest, url: URL): boolean {
  if (token === undefined) return true;
  const header = request.header('authorization');
  const given = header !== undefined && /^bearer /i.test(header) ? header.slice(7).trim() : (url.searchParams.get('token') ?? '');
  const bytes = Buffer.from(given, 'utf8');
  return bytes.length === token.length && timingSafeEqual(bytes, token);
}

function json(value: unknown): HttpResponse {
  return HttpResponse.ok(HttpEntity.strict(JSON.stringify(value), 'application/json'), SecurityHeaders);
}

function streamParam(url: URL): number | undefined | 'invalid' {
  const raw = url.searchParams.get('stream');
  if (raw === null || raw === '') return undefined;
  return /^\d+$/.test(raw) ? Number(raw) : 'invalid';
}

function createHandler(where: string, materializer: Materializer, options: HandlerOptions, alsoMetricsAtRoot: boolean): InspectorHandler {
  const settings = resolve(where, materializer, options);
  if (options.fallback !== undefined && typeof options.fallback !== 'function')
    throw new TypeError(`${where}: fallback must be a request handler function, got ${describe(options.fallback)}`);
  const session = new InspectorSession(materializer, settings.intervalMs, settings.stallAfterMs, settings.keepFinished);
  const page = asset('index.html');
  const script = asset('inspector.js');
  const style = asset('inspector.css');
  const { base } = settings;
  const bare = base.length > 1 ? base.slice(0, -1) : base;
  const metricsOptions: MetricsOptions = options.kafkaConsumers === undefined ? {} : { kafkaConsumers: options.kafkaConsumers };

  const routeOf = (url: URL): string | undefined => {
    const p = url.pathname;
    if (alsoMetricsAtRoot && p === '/metrics') return 'metrics';
    if (p === bare && bare !== base) return 'redirect';
    return p.startsWith(base) ? p.slice(base.length) : undefined;
  };
  const urlOf = (request: HttpRequest): URL => new URL(request.url, 'http://inspector.invalid');

  const handles = (request: HttpRequest): boolean => routeOf(urlOf(request)) !== undefined;

  const handler = async (request: HttpRequest): Promise<HttpResponse> => {
    const url = urlOf(request);
    const route = routeOf(url);
    if (route === undefined) return options.fallback !== undefined ? options.fallback(request) : HttpResponse.status(404);
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return HttpResponse.status(405, `${where}: only GET and HEAD are served`, { allow: 'GET, HEAD' });
    if (!authorized(settings.token, request, url)) {
      return HttpResponse.status(401, 'This inspector needs its token: open the page as ?token=<token>, or send Authorization: Bearer <token>', {
        'www-authenticate': 'Bearer realm="tributary-inspector"',
        'cache-control': 'no-store',
      });
    }
    switch (route) {
      case 'redirect':
        return HttpResponse.status(308, undefined, { location: `${base}${url.search}` });
      case '':
      case 'index.html':
        return HttpResponse.ok(HttpEntity.strict(page, 'text/html; charset=utf-8'), SecurityHeaders);
      case 'inspector.js':
        return HttpResponse.ok(HttpEntity.strict(script, 'text/javascript; charset=utf-8'), SecurityHeaders);
      case 'inspector.css':
        return HttpResponse.ok(HttpEntity.strict(style, 'text/css; charset=utf-8'), SecurityHeaders);
      case 'metrics': {
        const text = await renderMetrics(session.snapshots(), metricsOptions, session.totals);
        return HttpResponse.ok(HttpEntity.strict(text, PrometheusContentType), { 'cache-control': 'no-store' });
      }
      case 'api/streams': {
        const stream = streamParam(url);
        if (stream === 'invalid')
          return HttpResponse.status(
            400,
            `${where}: stream must be a stream id (a non-negative integer), got ${JSON.stringify(url.searchParams.get('stream'))}`,
          );
        return json(session.update(stream));
      }
      case 'api/events': {
        const stream = streamParam(url);
        if (stream === 'invalid')
          return HttpResponse.status(
            400,
            `${where}: stream must be a stream id (a non-negative integer), got ${JSON.stringify(url.searchParams.get('stream'))}`,
          );
        const events = Source.tick(0, settings.intervalMs, 0)
          .named(OwnStreamMarker)
          .map(() => ({ event: 'update', data: JSON.stringify(session.update(stream)) }));
        return HttpResponse.ok(ServerSentEvent.toEntity(events), SecurityHeaders);
      }
      default:
        return HttpResponse.status(404);
    }
  };
  return Object.assign(handler, { handles, close: () => session.close() });
}

export const Inspector = {
  /**
   * Serves the inspector on a server of its own (loopback and a free port by default); resolves with
   * the binding once it listens. The page is at `http://host:port` + `path`, the Prometheus exposition
   * at `/metrics`. The server runs its own event streams on a private materializer, so they never show
   * among the inspected streams. `binding.terminate(ms)` closes it, the page's event streams included.
   *
   * @example
   * const binding = await Inspector.serve(materializer, { port: 9464 });
   * console.log(`inspector at http://127.0.0.1:${binding.port}/`);
   */
  async serve(materializer: Materializer, options: ServeOptions = {}): Promise<ServerBinding> {
    const where = 'Inspector.serve';
    if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object, got ${describe(options)}`);
    const host = options.host ?? '127.0.0.1';
    if (typeof host !== 'string' || host.length === 0) throw new TypeError(`${where}: host must be a non-empty string, got ${describe(host)}`);
    const port = options.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`${where}: port must be an integer from 0 to 65535, got ${describe(port)}`);
    const handler = createHandler(where, materializer, options, true);
    if (!LoopbackHosts.has(host) && options.token === undefined) {
      console.warn(
        `[tributary] ${where}: serving on ${host} without a token; anyone who can reach port ${port === 0 ? '(picked)' : port} sees your streams' stage names and counts. Pass { token } to require one.`,
      );
    }
    const own = new Materializer({ logger: null });
    try {
      const binding = await Http.newServerAt(host, port).withMaterializer(own).bind(handler);
      void binding.whenTerminated.then(() => {
        handler.close();
        own.shutdown();
      });
      return binding;
    } catch (e) {
      handler.close();
      own.shutdown();
      throw e;
    }
  },

  /**
   * The inspector as a handler, to mount on a server of your own: requests under `path` go to the
   * inspector, others to `fallback` (default 404). `handler.handles(request)` tells them apart if you
   * route yourself. `handler.close()` when the server goes away.
   *
   * @example
   * const inspector = Inspector.handler(materializer, { path: '/inspect', fallback: appHandler });
   * await Http.newServerAt('127.0.0.1', 8080).bind(inspector);
   */
  handler(materializer: Materializer, options: HandlerOptions = {}): InspectorHandler {
    return createHandler('Inspector.handler', materializer, options, false);
  },

  /**
   * The Prometheus text exposition (version 0.0.4) of the materializer's running streams, per stream and
   * stage: elements in and out, failed stages, restarts, async-boundary buffer fill, and the lag of the
   * Kafka consumers given in `options.kafkaConsumers`. Read from a snapshot at the call: nothing is
   * recorded between calls. (A served inspector's `/metrics` adds totals of the streams that ended.)
   */
  async metrics(materializer: Materializer, options: MetricsOptions = {}): Promise<string> {
    if (!(materializer instanceof Materializer)) throw new TypeError(`Inspector.metrics: expected a Materializer, got ${describe(materializer)}`);
    validateMetricsOptions('Inspector.metrics', options);
    return renderMetrics(materializer.detailedSnapshot(), options);
  },

  /** The `Content-Type` of `Inspector.metrics`' text. */
  metricsContentType: PrometheusContentType,
} as const;
