import type { IncomingMessage } from 'node:http';
import { Flow, type Materializer, Sink, type Source, TextFlow } from '@tributary/core';
import { Http, HttpEntity, type HttpRequest, HttpResponse, type ServerBinding, ServerSentEvent, ServerSettings } from '@tributary/http';
import { Inspector } from '@tributary/inspect';
import { WebSocket, type WebSocketFlow } from '@tributary/ws';
import type { ScoredRecord } from '../domain/ScoredRecord.js';
import type { IngestRouter } from '../ingest/IngestRouter.js';
import { InvalidModelError } from '../model/InvalidModelError.js';
import { ModelFactory } from '../model/ModelFactory.js';
import type { WatchedModelsDirectory } from '../pipeline/WatchedModelsDirectory.js';
import type { ScoringState } from '../scoring/ScoringState.js';
import { scoredEventStream } from './scoredEventStream.js';

/** What the endpoints serve: the run's queryable state, its live scored records and its models directory. */
export interface ModelServingEndpointsOptions {
  readonly host: string;
  /** 0 picks a free port (the binding says which). */
  readonly port: number;
  readonly scoring: ScoringState;
  /** A fresh source of the scored records from now on, per subscriber (a `BroadcastHub` source). */
  readonly live: Source<ScoredRecord>;
  /** Where `POST /models` writes the documents it accepted; the run's model source watches it. */
  readonly models: WatchedModelsDirectory;
  /** Checks posted models before they are written. Default `ModelFactory.standard`. */
  readonly factory?: ModelFactory;
  /** Direct ingest (`--ingest http|ws`): `POST /score` or `ws://…/score`, through this router. */
  readonly ingest?: { readonly transport: IngestTransport; readonly router: IngestRouter };
  /** The run's materializer: its streams are shown live at `GET /inspect/` and counted at `GET /inspect/metrics`. */
  readonly materializer?: Materializer;
}

/** How clients send records in the direct-ingest mode. */
export type IngestTransport = 'http' | 'ws';

/** The largest model document `POST /models` takes (the CPU-heavy benchmark model is about 2 MB). */
export const MAX_POSTED_MODEL_BYTES = 16 * 1024 * 1024;
const SSE_KEEP_ALIVE_MS = 15_000;

/** The routes, for the 404 answer and the start-up line. */
export const ENDPOINT_ROUTES = ['GET /state', 'GET /scored (server-sent events)', 'ws://…/scored (WebSocket)', 'POST /models'] as const;
/** Where the live inspector (`@tributary/inspect`) is mounted when the endpoints get the run's materializer. */
export const INSPECTOR_PATH = '/inspect/';

const json = (status: number, body: unknown): HttpResponse =>
  new HttpResponse({ status, entity: HttpEntity.strict(`${JSON.stringify(body)}\n`, 'application/json') });

/**
 * Binds the HTTP endpoints of a running model-serving graph:
 *
 * - `GET /state` — the queryable state as JSON: `{ current, stats }` (`ScoringState.current()` and `stats()`).
 * - `GET /scored` — the scored records from now on as server-sent events, one JSON `ScoredRecord` per
 *   `message` event; a subscriber that falls more than 4,096 records behind gets a `skipped` event with
 *   the count instead of slowing the pipeline. The stream ends when the run's data ends.
 * - `ws://…/scored` — the same records over a WebSocket: one text message per record (its JSON), and
 *   `{"skipped": n}` when the subscriber fell behind. Messages from the client are ignored; the server
 *   closes the connection (1000) when the run's data ends.
 * - `POST /models` — a model document (JSON) to install: checked with the model factory first (`400`
 *   with `{ error, reason }` if it is invalid), then written into the watched models directory, from
 *   where the run's model source delivers it to the scoring stage: `202` with
 *   `{ accepted: { name, version, type }, file }`.
 *
 * With `ingest` (direct mode), clients also send records and get the scored records back on the
 * same connection (replies in the order of the records, one per record: the `ScoredRecord` as JSON,
 * or `{ line, error, kind? }` for a record that is not valid):
 *
 * - `POST /score` (`ingest.transport` `http`) — an NDJSON body, one record per line; the response
 *   streams NDJSON replies while the body is still arriving.
 * - `ws://…/score` (`ws`) — text messages holding one record each (or several, one per line); one
 *   reply message per record.
 *
 * With `materializer`, the live inspector of `@tributary/inspect` is mounted at `/inspect/` (the page
 * drawing the run's streams, with `/inspect/metrics` in Prometheus text); it shows counts, never records.
 *
 * Resolves with the `ServerBinding` once listening; `terminate(deadline)` ends it gracefully.
 */
export async function bindModelServingEndpoints(options: ModelServingEndpointsOptions): Promise<ServerBinding> {
  const { host, port, scoring, live, models, factory = ModelFactory.standard, ingest, materializer } = options;
  const routes = [
    ...ENDPOINT_ROUTES,
    ...(materializer !== undefined ? [`GET ${INSPECTOR_PATH} (live inspector)`, `GET ${INSPECTOR_PATH}metrics`] : []),
    ...(ingest?.transport === 'http' ? ['POST /score (NDJSON)'] : ingest?.transport === 'ws' ? ['ws://…/score (WebSocket)'] : []),
  ];
  const noIngestHere = (transport: IngestTransport): HttpResponse =>
    json(404, {
      error:
        ingest === undefined
          ? `this run does not take records from clients (start it with --ingest ${transport})`
          : `this run takes records over ${ingest.transport === 'http' ? 'POST /score' : 'ws://…/score'}`,
      endpoints: routes,
    });
  let posted = 0;

  const handler = async (request: HttpRequest): Promise<HttpResponse> => {
    const path = request.url.split('?')[0];
    const route = (method: string) => request.method === method;
    switch (path) {
      case '/state':
        if (!route('GET')) return notAllowed('GET');
        return json(200, { current: scoring.current(), stats: scoring.stats() });
      case '/scored':
        if (!route('GET')) return notAllowed('GET');
        return HttpResponse.ok(
          ServerSentEvent.toEntity(
            scoredEventStream(live).map(
              (item): ServerSentEvent =>
                item.kind === 'scored' ? { data: JSON.stringify(item.record) } : { event: 'skipped', data: JSON.stringify({ skipped: item.count }) },
            ),
            { keepAliveMs: SSE_KEEP_ALIVE_MS },
          ),
          { 'cache-control': 'no-cache' },
        );
      case '/models': {
        if (!route('POST')) return notAllowed('POST');
        const document = await request.entity.text({ maxBytes: MAX_POSTED_MODEL_BYTES, timeoutMs: 30_000 });
        let accepted;
        try {
          accepted = factory.create(document);
        } catch (e) {
          if (e instanceof InvalidModelError) return json(400, { error: e.message, reason: e.reason });
          return json(400, { error: e instanceof Error ? e.message : String(e), reason: 'builder-failed' });
        }
        const file = await models.write(`posted-${Date.now()}-${++posted}.json`, document);
        return json(202, { accepted: { name: accepted.name, version: accepted.version, type: accepted.type }, file });
      }
      case '/score': {
        if (ingest?.transport !== 'http') return noIngestHere('http');
        if (!route('POST')) return notAllowed('POST');
        const replies = request.entity.dataBytes
          .via(TextFlow.lines())
          .via(ingest.router.connectionFlow())
          .map((reply) => Buffer.from(`${reply}\n`));
        return HttpResponse.ok(HttpEntity.streamed(replies, 'application/x-ndjson'));
      }
      default:
        return json(404, { error: `no endpoint at ${path}`, endpoints: routes });
    }
  };

  const liveOverWebSocket = (): WebSocketFlow =>
    Flow.fromSinkAndSourceCoupled(
      Sink.ignore(),
      scoredEventStream(live).map((item) => JSON.stringify(item.kind === 'scored' ? item.record : { skipped: item.count })),
    );
  const webSocketRoutes = (request: IncomingMessage): WebSocketFlow | undefined => {
    const path = (request.url ?? '').split('?')[0];
    if (path === '/scored') return liveOverWebSocket();
    if (path === '/score' && ingest?.transport === 'ws') {
      return Flow.create<string | Buffer>()
        .mapConcat((message) => (typeof message === 'string' ? message : message.toString('utf8')).split('\n'))
        .via(ingest.router.connectionFlow());
    }
    return undefined;
  };

  const inspector = materializer === undefined ? null : Inspector.handler(materializer, { path: INSPECTOR_PATH, fallback: handler });
  const binding = await Http.newServerAt(host, port)
    .withSettings(ServerSettings.default.withMaxRequestEntityBytes(MAX_POSTED_MODEL_BYTES))
    .bind(inspector ?? handler, { upgrade: WebSocket.upgradeHandler(webSocketRoutes) })
    .catch((error: unknown) => {
      inspector?.close();
      throw error;
    });
  if (inspector !== null)
    void binding.whenTerminated.then(
      () => inspector.close(),
      () => inspector.close(),
    );
  return binding;
}

function notAllowed(allowed: string): HttpResponse {
  return new HttpResponse({
    status: 405,
    headers: { allow: allowed },
    entity: HttpEntity.strict(`${JSON.stringify({ error: `use ${allowed}` })}\n`, 'application/json'),
  });
}
