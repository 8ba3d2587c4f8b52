import { Source } from '@tributary/core';
import { HttpEntity, type StreamedEntity } from './HttpEntity.js';
import { describeValue, requireMillis } from './internal/validate.js';

/**
 * One server-sent event (the `text/event-stream` format of the HTML standard; Akka HTTP's
 * `ServerSentEvent`). `data` may span lines. `event` is the type (`undefined`: the default `message`),
 * `id` the event's id (sent back as `Last-Event-ID` on reconnection), `retry` the reconnection delay the
 * server asks for, in milliseconds.
 */
export interface ServerSentEvent {
  readonly data: string;
  readonly event?: string;
  readonly id?: string;
  readonly retry?: number;
}

export interface ServerSentEventEntityOptions {
  /** Send a heartbeat (a comment line, `:` and a blank line) when no event went out for this long. */
  readonly keepAliveMs?: number;
}

const EventStream = 'text/event-stream';
const Heartbeat = Buffer.from(':\n\n', 'utf8');
const LineBreak = /\r\n|\r|\n/;

/** Renders one event in the wire format (ending with the blank line that dispatches it). */
function render(event: ServerSentEvent): string {
  if (event === null || typeof event !== 'object' || typeof event.data !== 'string') {
    throw new TypeError(`ServerSentEvent.toEntity: expected events like { data: string, event?, id?, retry? }, got ${describeValue(event)}`);
  }
  let out = '';
  if (event.event !== undefined) {
    if (typeof event.event !== 'string' || LineBreak.test(event.event))
      throw new TypeError(`ServerSentEvent: event must be a string without line breaks, got ${describeValue(event.event)}`);
    out += `event: ${event.event}\n`;
  }
  if (event.id !== undefined) {
    if (typeof event.id !== 'string' || LineBreak.test(event.id) || event.id.includes('\0')) {
      throw new TypeError(`ServerSentEvent: id must be a string without line breaks or NUL, got ${describeValue(event.id)}`);
    }
    out += `id: ${event.id}\n`;
  }
  if (event.retry !== undefined) {
    if (typeof event.retry !== 'number' || !Number.isInteger(event.retry) || event.retry < 0) {
      throw new TypeError(`ServerSentEvent: retry must be a non-negative integer number of milliseconds, got ${describeValue(event.retry)}`);
    }
    out += `retry: ${event.retry}\n`;
  }
  for (const line of event.data.split(LineBreak)) out += `data: ${line}\n`;
  return `${out}\n`;
}

export const ServerSentEvent = {
  /**
   * A streamed `text/event-stream` entity of the events of `source`, each written as the socket drains.
   * With `keepAliveMs`, a heartbeat comment (`:` and a blank line) goes out whenever no event did for
   * that long, so that proxies do not close the idle connection. An invalid event (line break in `event`
   * or `id`, negative `retry`) fails the stream with a `TypeError`.
   *
   * Written as a response entity:
   * - **Emits when** the client's socket has taken the previous bytes and `source` has an event (or
   *   `keepAliveMs` passed without one: a heartbeat).
   * - **Backpressures when** the client does not read: `source` is not pulled.
   * - **Completes when** `source` completes (the response ends).
   * - **Cancels when** the client goes away: `source` is cancelled.
   *
   * @example
   * Http.newServerAt('127.0.0.1', 8080).bind(() => HttpResponse.ok(
   *   ServerSentEvent.toEntity(Source.tick(0, 1000, 0).zipWithIndex().map(([, i]) => ({ data: `tick ${i}`, id: String(i) })), { keepAliveMs: 15_000 })));
   */
  toEntity(source: Source<ServerSentEvent, unknown>, options: ServerSentEventEntityOptions = {}): StreamedEntity {
    if (!(source instanceof Source)) throw new TypeError(`ServerSentEvent.toEntity: source must be a Source of ServerSentEvent, got ${describeValue(source)}`);
    if (options === null || typeof options !== 'object')
      throw new TypeError(`ServerSentEvent.toEntity: options must be an object, got ${describeValue(options)}`);
    const bytes = source.map((e) => Buffer.from(render(e), 'utf8'));
    const withHeartbeat =
      options.keepAliveMs === undefined
        ? bytes
        : bytes.keepAlive(requireMillis('ServerSentEvent.toEntity', 'keepAliveMs', options.keepAliveMs), () => Heartbeat);
    return HttpEntity.streamed(withHeartbeat, EventStream);
  },

  /** One event in the wire format (`event:`, `id:`, `retry:`, one `data:` line per line of data, a blank line). */
  render,

  /** The heartbeat `toEntity` sends: a comment line and the blank line after it. */
  heartbeat: ':\n\n',
} as const;
