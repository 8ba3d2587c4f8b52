/**
 * Streaming JSON entities (Akka HTTP's `EntityStreamingSupport`): a `Source` of values rendered as a
 * streamed body, and a streamed body parsed back into values, one at a time, as its bytes arrive.
 */
import { Framing, JsonFraming, Source } from '@tributary/core';
import { HttpEntity, type StreamedEntity } from './HttpEntity.js';
import { describeValue, requirePositiveInt } from './internal/validate.js';

/** Renders a stream of values as a streamed JSON entity, and parses one back (Akka HTTP's `JsonEntityStreamingSupport`). */
export interface JsonEntityStreaming {
  /** `application/x-ndjson` or `application/json`. */
  readonly contentType: string;
  /**
   * A streamed entity of the values of `source`, each rendered with `JSON.stringify` as it is pulled —
   * a response (or request) body is written as fast as the peer reads, and the source runs no faster.
   * A value JSON cannot represent (`undefined`, a function, a cycle) fails the entity's stream with a
   * `TypeError` (the response is cut short: the peer sees an incomplete body, not a valid one).
   *
   * - **Emits when** `source` emits a value and the connection pulls for more bytes.
   * - **Backpressures when** the socket is not draining (the connection stops pulling).
   * - **Completes when** `source` completes (after `]` for `jsonArray()`).
   * - **Cancels when** the connection is closed or the peer goes away (`source` is cancelled).
   */
  toEntity(source: Source<unknown, unknown>): StreamedEntity;
  /**
   * The values of a streamed JSON entity — a server's request or a client's response — parsed one at a
   * time as bytes arrive (back-pressured: an entity from a connection is read only as values are
   * pulled). A value longer than `maxObjectLength` bytes fails the stream with `FramingError`; invalid
   * JSON with a `SyntaxError` naming the format.
   *
   * - **Emits when** a complete value has arrived and downstream pulls.
   * - **Backpressures when** downstream backpressures (the socket is paused in turn).
   * - **Completes when** the entity's bytes end and every value has been emitted.
   * - **Cancels when** downstream cancels (the entity is cancelled, its connection released).
   */
  fromEntity<T = unknown>(entity: HttpEntity, maxObjectLength: number): Source<T>;
}

function render(where: string, value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (e) {
    throw new TypeError(`${where}: a value could not be rendered as JSON (${(e as Error).message})`);
  }
  if (json === undefined) throw new TypeError(`${where}: ${describeValue(value)} cannot be rendered as JSON`);
  return json;
}

function parse<T>(where: string, bytes: Buffer): T {
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new SyntaxError(`${where}: an element is not valid JSON (${(e as Error).message}): ${text.length > 80 ? `${text.slice(0, 77)}...` : text}`);
  }
}

function checkArgs(where: string, entity: unknown, maxObjectLength: unknown): void {
  // Checked when the source is built, not when it runs: the caller's mistake, named at the call.
  if (!(entity instanceof HttpEntity)) throw new TypeError(`${where}: entity must be an HttpEntity, got ${describeValue(entity)}`);
  requirePositiveInt(where, 'maxObjectLength', maxObjectLength);
}

const ndjson: JsonEntityStreaming = {
  contentType: 'application/x-ndjson',
  toEntity(source) {
    const where = 'EntityStreaming.ndjson().toEntity';
    if (!(source instanceof Source)) throw new TypeError(`${where}: source must be a Source, got ${describeValue(source)}`);
    return HttpEntity.streamed(
      source.map((v) => Buffer.from(`${render(where, v)}\n`, 'utf8')),
      ndjson.contentType,
    );
  },
  fromEntity<T>(entity: HttpEntity, maxObjectLength: number): Source<T> {
    const where = 'EntityStreaming.ndjson().fromEntity';
    checkArgs(where, entity, maxObjectLength);
    return entity.dataBytes
      .via(Framing.delimiter('\n', maxObjectLength, { allowTruncation: true }))
      .filter((line) => line.some((b) => b !== 0x20 && b !== 0x09 && b !== 0x0d))
      .map((line) => parse<T>(where, line));
  },
};

const jsonArray: JsonEntityStreaming = {
  contentType: 'application/json',
  toEntity(source) {
    const where = 'EntityStreaming.jsonArray().toEntity';
    if (!(source instanceof Source)) throw new TypeError(`${where}: source must be a Source, got ${describeValue(source)}`);
    const elements = source.map((v) => render(where, v)).intersperse('[', ',', ']');
    return HttpEntity.streamed(
      elements.map((s) => Buffer.from(s, 'utf8')),
      jsonArray.contentType,
    );
  },
  fromEntity<T>(entity: HttpEntity, maxObjectLength: number): Source<T> {
    const where = 'EntityStreaming.jsonArray().fromEntity';
    checkArgs(where, entity, maxObjectLength);
    return entity.dataBytes.via(JsonFraming.objectScanner(maxObjectLength)).map((value) => parse<T>(where, value));
  },
};

/**
 * Streaming JSON entities: a `Source` of values out as a streamed response (or request), and a streamed
 * entity in as a `Source` of values — never the whole array in memory.
 *
 * - `ndjson()`: one JSON value per line (`application/x-ndjson`); blank lines are skipped, a last line
 *   without newline is accepted.
 * - `jsonArray()`: one JSON array (`application/json`), rendered as `[`, the values separated by `,`,
 *   and `]`; parsing also accepts concatenated top-level values.
 *
 * @example
 * // Server: stream rows out as they come from the database.
 * Http.newServerAt('127.0.0.1', 8080).bind(() => HttpResponse.ok(EntityStreaming.ndjson().toEntity(rowsSource)));
 * // Client: read them back one at a time.
 * const rows = EntityStreaming.ndjson().fromEntity<Row>(response.entity, 64 * 1024);
 */
export const EntityStreaming = {
  ndjson(): JsonEntityStreaming {
    return ndjson;
  },
  jsonArray(): JsonEntityStreaming {
    return jsonArray;
  },
} as const;
