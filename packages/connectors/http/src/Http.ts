import { ServerBuilder } from './ServerBuilder.js';

/**
 * The entry point of the HTTP connector (Akka HTTP's `Http()` extension): servers are built with
 * `newServerAt`.
 */
export const Http = {
  /**
   * A server builder for `host:port` (port 0 picks a free port; the binding tells which).
   *
   * @example const binding = await Http.newServerAt('127.0.0.1', 0).bind(() => HttpResponse.ok('pong'));
   */
  newServerAt(host: string, port: number): ServerBuilder {
    return new ServerBuilder(host, port);
  },
} as const;
