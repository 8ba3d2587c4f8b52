import type { AddressInfo } from 'node:net';
import type { Graph, Materializer } from '@tributary/core';
import type { FlowShape } from '@tributary/core/stage';
import type { HttpRequest } from './HttpRequest.js';
import type { HttpResponse } from './HttpResponse.js';

/** Produces the response to one request; may throw or reject (the client then gets a 500). */
export type RequestHandler = (request: HttpRequest) => HttpResponse | Promise<HttpResponse>;

/**
 * One accepted connection, as emitted by `Http.newServerAt(...).connectionSource()` (Akka HTTP's
 * `IncomingConnection`). Requests that arrive before it is handled wait (the server stops reading the
 * connection after `pipeliningLimit` of them). Handle it exactly once.
 */
export interface IncomingConnection {
  readonly localAddress: AddressInfo;
  readonly remoteAddress: AddressInfo;
  /**
   * Serves the connection's requests with `flow`, materialized for this connection (on `materializer`,
   * default: the server's). Requests enter in the order they arrived and the flow must emit exactly one
   * response per request, in the same order (pipelining). The flow ends when the connection closes; if
   * the flow completes or fails, pending requests get a 500 and the connection is closed.
   */
  handleWith(flow: Graph<FlowShape<HttpRequest, HttpResponse>, unknown>, materializer?: Materializer): void;
  /** Serves the connection's requests with `handler`, one call per request; responses go out in request order. */
  handleWithAsyncHandler(handler: RequestHandler): void;
}
