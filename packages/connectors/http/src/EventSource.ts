import { Source } from '@tributary/core';
import { type HttpHeadersInit, normalizeHeaders } from './HttpHeaders.js';
import { EventSourceStage } from './internal/EventSourceStage.js';
import { describeValue, requireBoolean, requireMillis, requirePositiveInt } from './internal/validate.js';
import type { ServerSentEvent } from './ServerSentEvent.js';

export interface EventSourceOptions {
  /** Connect again when the stream ends or the connection fails (default true). */
  readonly reconnect?: boolean;
  /** First wait before reconnecting when the server sent no `retry:` (default 1000 ms). */
  readonly minBackoffMs?: number;
  /** Longest wait between reconnection attempts (default 30 000 ms). */
  readonly maxBackoffMs?: number;
  /** Sent as `Last-Event-ID` on the first connection (later ones send the latest id received). */
  readonly lastEventId?: string;
  /** More request headers (e.g. authorization). */
  readonly headers?: HttpHeadersInit;
  /** Longest line or event accepted, in characters (default 1 MiB); a longer one fails the stream. */
  readonly maxEventBytes?: number;
}

export const EventSource = {
  /**
   * Server-sent events from `url` (Akka HTTP's `EventSource`), back-pressured: the body is read only as
   * events are pulled, so a slow consumer slows the server down instead of filling memory. Reconnects
   * with `Last-Event-ID` when the stream ends or breaks, honouring the server's `retry:`, with an
   * exponential back-off between `minBackoffMs` and `maxBackoffMs` while attempts deliver nothing.
   *
   * - **Emits when** an event has been parsed and downstream pulls.
   * - **Backpressures when** downstream does not pull: no more bytes are read from the connection.
   * - **Completes when** the server answers `204`, or (with `reconnect: false`) the stream ends.
   * - **Fails when** the server answers other than `200 text/event-stream`, an event is longer than
   *   `maxEventBytes`, or (with `reconnect: false`) the connection fails.
   * - **Cancels when** downstream cancels: the connection is closed.
   *
   * @example
   * await EventSource.create('http://localhost:8080/events', { lastEventId: '42' })
   *   .take(10)
   *   .runForeach((e) => console.log(e.id, e.event ?? 'message', e.data));
   */
  create(url: string | URL, options: EventSourceOptions = {}): Source<ServerSentEvent> {
    const where = 'EventSource.create';
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new TypeError(`${where}: url must be an absolute http(s) URL, got ${describeValue(url)}`);
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      throw new TypeError(`${where}: url must be an http: or https: URL, got ${describeValue(target.href)}`);
    if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object, got ${describeValue(options)}`);
    const reconnect = options.reconnect ?? true;
    requireBoolean(where, 'reconnect', reconnect);
    const minBackoffMs = requireMillis(where, 'minBackoffMs', options.minBackoffMs ?? 1000);
    const maxBackoffMs = requireMillis(where, 'maxBackoffMs', options.maxBackoffMs ?? 30_000);
    if (maxBackoffMs < minBackoffMs) throw new RangeError(`${where}: maxBackoffMs (${maxBackoffMs}) must not be less than minBackoffMs (${minBackoffMs})`);
    const lastEventId = options.lastEventId;
    if (lastEventId !== undefined && (typeof lastEventId !== 'string' || /[\r\n\0]/.test(lastEventId))) {
      throw new TypeError(`${where}: lastEventId must be a string without line breaks or NUL, got ${describeValue(lastEventId)}`);
    }
    return Source.fromGraph(
      new EventSourceStage({
        url: target,
        reconnect,
        minBackoffMs,
        maxBackoffMs,
        lastEventId,
        headers: normalizeHeaders(where, options.headers),
        maxEventBytes: requirePositiveInt(where, 'maxEventBytes', options.maxEventBytes ?? 1024 * 1024),
      }),
    );
  },
} as const;
