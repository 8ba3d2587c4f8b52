import { TextDecoder } from 'node:util';
import { CompletionTimeoutError, Materializer, Sink, Source, TimeoutError } from '@tributary/core';
import { EntityStreamSizeError } from './errors.js';
import { describeValue, requireByteLimit, requireMillis } from './internal/validate.js';

/** Limits for the convenience readers `text()` and `json()`. Both default to no limit. */
export interface EntityReadOptions {
  /** Fail with a `TimeoutError` if the whole entity has not arrived within this many milliseconds. */
  readonly timeoutMs?: number;
  /** Fail with `EntityStreamSizeError` if the entity is longer than this many bytes. */
  readonly maxBytes?: number;
}

const TextPlainUtf8 = 'text/plain; charset=utf-8';
const OctetStream = 'application/octet-stream';

/**
 * The body of a request or response (Akka HTTP's `HttpEntity`). Either *strict* — all bytes in memory,
 * readable any number of times — or *streamed* — a `Source` of bytes. An entity that arrived over a
 * connection (a client's response, a server's request) is streamed straight from the socket: reading it
 * is what pulls bytes off the network, so it can be read once, and not reading it holds the connection.
 *
 * Every entity offers the same readers: `dataBytes` (a `Source<Buffer>`), `toStrict(timeoutMs, maxBytes?)`,
 * `text()`, `json()` and `discardBytes()`.
 */
export abstract class HttpEntity {
  /** `'strict'`: bytes in memory (`StrictEntity.data`); `'streamed'`: bytes from a source or a connection. */
  abstract readonly kind: 'strict' | 'streamed';

  protected constructor(
    /** The media type, sent as `content-type` unless the message's headers name one. */
    readonly contentType: string | undefined,
    /** The length in bytes, when known in advance (strict entities, or a `content-length` that was received). */
    readonly contentLength: number | undefined,
  ) {}

  /**
   * The bytes, as a source. A streamed entity from a connection may be materialized only once (a
   * second time fails with `EntityConsumedError`); strict entities and application sources any number
   * of times.
   *
   * For an entity arriving over a connection:
   * - **Emits when** bytes have arrived and downstream pulls (one chunk of what the socket delivered).
   * - **Backpressures when** downstream does not pull: nothing more is read from the socket, so the
   *   peer's writes stall (TCP flow control).
   * - **Completes when** the entity has ended.
   * - **Fails when** the connection closes early, or more than the limit in force arrives
   *   (`EntityStreamSizeError`).
   * - **Cancels when** downstream cancels: the rest of the entity is abandoned (the client closes the
   *   connection; the server closes it after its response).
   *
   * @example await response.entity.dataBytes.runWith(FileIO.toPath('download.bin'))
   */
  abstract get dataBytes(): Source<Buffer>;

  /**
   * Collects all bytes into one `Buffer`. Fails with a `TimeoutError` if they have not all arrived within
   * `timeoutMs`, and with `EntityStreamSizeError` as soon as more than `maxBytes` arrived (default: no limit).
   *
   * @example const body: Buffer = await response.entity.toStrict(5_000, 1 << 20);
   */
  toStrict(timeoutMs: number, maxBytes: number = Infinity): Promise<Buffer> {
    try {
      requireMillis('HttpEntity.toStrict', 'timeoutMs', timeoutMs);
      requireByteLimit('HttpEntity.toStrict', 'maxBytes', maxBytes);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.collect(timeoutMs, maxBytes);
  }

  /**
   * Reads and drops all bytes; resolves when they have been read. On a connection this keeps the
   * connection usable for the next request (the bytes are drained, not the socket closed).
   */
  abstract discardBytes(): Promise<void>;

  /** True for an entity known to have no bytes (strict and empty). */
  get isKnownEmpty(): boolean {
    return false;
  }

  /** The whole entity decoded as text, with the charset of its content type (UTF-8 when none is named). */
  async text(options: EntityReadOptions = {}): Promise<string> {
    return decodeText(await this.readWith('HttpEntity.text', options), this.contentType);
  }

  /** The whole entity parsed as JSON (a `SyntaxError` if it is not valid JSON). */
  async json<T = unknown>(options: EntityReadOptions = {}): Promise<T> {
    const text = await this.text(options);
    return JSON.parse(text) as T;
  }

  private async readWith(where: string, options: EntityReadOptions): Promise<Buffer> {
    if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object, got ${describeValue(options)}`);
    const maxBytes = options.maxBytes === undefined ? Infinity : requireByteLimit(where, 'maxBytes', options.maxBytes);
    const timeoutMs = options.timeoutMs === undefined ? Infinity : requireMillis(where, 'timeoutMs', options.timeoutMs);
    return this.collect(timeoutMs, maxBytes);
  }

  /** @internal `toStrict` with `Infinity` allowed for the timeout (what `text()`/`json()` use by default). */
  protected abstract collect(timeoutMs: number, maxBytes: number): Promise<Buffer>;

  /**
   * An entity of the given bytes, or of the string encoded as UTF-8. Content type by default:
   * `text/plain; charset=utf-8` for a string, `application/octet-stream` for bytes.
   *
   * @example HttpEntity.strict(JSON.stringify({ ok: true }), 'application/json')
   */
  static strict(data: Uint8Array | string, contentType?: string): StrictEntity {
    if (typeof data === 'string') return new StrictEntity(Buffer.from(data, 'utf8'), checkContentType('HttpEntity.strict', contentType) ?? TextPlainUtf8);
    if (data instanceof Uint8Array) return new StrictEntity(toBuffer(data), checkContentType('HttpEntity.strict', contentType) ?? OctetStream);
    throw new TypeError(`HttpEntity.strict: data must be a string or a Uint8Array/Buffer, got ${describeValue(data)}`);
  }

  /**
   * An entity whose bytes come from `source`, materialized each time the entity is written or read.
   * Sent with chunked transfer encoding unless `contentLength` is given (then exactly that many bytes
   * must come). Elements must be `Uint8Array`s (Buffers); anything else fails the stream.
   *
   * @example HttpEntity.streamed(FileIO.fromPath('big.bin'), 'application/octet-stream')
   */
  static streamed(source: Source<Uint8Array, unknown>, contentType?: string, contentLength?: number): StreamedEntity {
    if (!(source instanceof Source)) throw new TypeError(`HttpEntity.streamed: source must be a Source of Uint8Array, got ${describeValue(source)}`);
    const length = contentLength === undefined ? undefined : requireByteLimit('HttpEntity.streamed', 'contentLength', contentLength);
    if (length === Infinity) throw new RangeError('HttpEntity.streamed: contentLength must be finite (leave it out for an entity of unknown length)');
    return new StreamedEntity(source, checkContentType('HttpEntity.streamed', contentType) ?? OctetStream, length);
  }

  /** The entity with no bytes (and no content type). */
  static get empty(): StrictEntity {
    return EmptyEntity;
  }

  /** @internal What the model constructors accept as an entity: an `HttpEntity`, a string or bytes. */
  static of(where: string, entity: HttpEntityLike | undefined): HttpEntity {
    if (entity === undefined) return EmptyEntity;
    if (entity instanceof HttpEntity) return entity;
    if (typeof entity === 'string' || entity instanceof Uint8Array) return HttpEntity.strict(entity);
    throw new TypeError(`${where}: entity must be an HttpEntity, a string or a Uint8Array, got ${describeValue(entity)}`);
  }
}

/** What a request or response may be given as its entity: strings and bytes become strict entities. */
export type HttpEntityLike = HttpEntity | string | Uint8Array;

/** An entity whose bytes are all in memory. */
export class StrictEntity extends HttpEntity {
  readonly kind = 'strict' as const;

  /** @internal Use `HttpEntity.strict`. */
  constructor(
    readonly data: Buffer,
    contentType: string | undefined,
  ) {
    super(contentType, data.length);
  }

  get dataBytes(): Source<Buffer> {
    return this.data.length === 0 ? Source.empty<Buffer>() : Source.single(this.data);
  }

  override get isKnownEmpty(): boolean {
    return this.data.length === 0;
  }

  protected collect(_timeoutMs: number, maxBytes: number): Promise<Buffer> {
    if (this.data.length > maxBytes) return Promise.reject(new EntityStreamSizeError(maxBytes, this.data.length, 'HttpEntity.toStrict'));
    return Promise.resolve(this.data);
  }

  discardBytes(): Promise<void> {
    return Promise.resolve();
  }

  /** The same bytes with another content type. */
  withContentType(contentType: string): StrictEntity {
    return new StrictEntity(this.data, checkContentType('HttpEntity.withContentType', contentType));
  }

  override toString(): string {
    return `HttpEntity.Strict(${this.contentType ?? 'no content type'}, ${this.data.length} bytes)`;
  }
}

/** An entity whose bytes come from a (re-runnable) source given by the application. */
export class StreamedEntity extends HttpEntity {
  readonly kind = 'streamed' as const;

  /** @internal Use `HttpEntity.streamed`. */
  constructor(
    private readonly source: Source<Uint8Array, unknown>,
    contentType: string | undefined,
    contentLength: number | undefined,
  ) {
    super(contentType, contentLength);
  }

  get dataBytes(): Source<Buffer> {
    return this.source.map(asBufferChunk).mapMaterializedValue(() => undefined);
  }

  protected collect(timeoutMs: number, maxBytes: number): Promise<Buffer> {
    return collectSource(this.dataBytes, timeoutMs, maxBytes);
  }

  discardBytes(): Promise<void> {
    return this.source.runWith(Sink.ignore(), Materializer.default);
  }

  override toString(): string {
    return `HttpEntity.Streamed(${this.contentType ?? 'no content type'}${this.contentLength === undefined ? '' : `, ${this.contentLength} bytes`})`;
  }
}

const EmptyEntity = new StrictEntity(Buffer.alloc(0), undefined);

/** Runs `bytes` to completion, gathering at most `maxBytes` within `timeoutMs` (either may be Infinity). */
export async function collectSource(bytes: Source<Buffer>, timeoutMs: number, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  const limited = bytes.map((chunk) => {
    size += chunk.length;
    if (size > maxBytes) throw new EntityStreamSizeError(maxBytes, undefined, 'HttpEntity.toStrict');
    chunks.push(chunk);
    return chunk;
  });
  try {
    await (timeoutMs === Infinity ? limited : limited.completionTimeout(timeoutMs)).runWith(Sink.ignore(), Materializer.default);
  } catch (e) {
    if (e instanceof CompletionTimeoutError) throw entityTimeout(timeoutMs);
    throw e;
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

/** The error of a `toStrict` that ran out of time. */
export function entityTimeout(timeoutMs: number): TimeoutError {
  return new TimeoutError('completion', timeoutMs, `HttpEntity.toStrict: the entity did not arrive completely within ${timeoutMs} ms`);
}

function asBufferChunk(chunk: Uint8Array): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return toBuffer(chunk);
  throw new TypeError(`HttpEntity.streamed: the source must emit Uint8Array/Buffer chunks, got ${describeValue(chunk)}`);
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function checkContentType(where: string, contentType: unknown): string | undefined {
  if (contentType === undefined) return undefined;
  if (typeof contentType !== 'string' || contentType.length === 0 || /[\r\n\0]/.test(contentType)) {
    throw new TypeError(`${where}: contentType must be a non-empty media type like "application/json", got ${describeValue(contentType)}`);
  }
  return contentType;
}

const decoders = new Map<string, TextDecoder>();

/** Decodes with the content type's charset; UTF-8 (the default) through Buffer, the fast path. */
function decodeText(bytes: Buffer, contentType: string | undefined): string {
  const charset = contentType === undefined ? 'utf-8' : charsetOf(contentType);
  if (charset === 'utf-8' || charset === 'utf8') {
    const text = bytes.toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
  let decoder = decoders.get(charset);
  if (decoder === undefined) {
    decoder = new TextDecoder(charset);
    decoders.set(charset, decoder);
  }
  return decoder.decode(bytes);
}

/** The charset parameter of a content type, for `TextDecoder` (UTF-8 unless one is named). */
function charsetOf(contentType: string | undefined): string {
  const m = contentType === undefined ? null : /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
  return m?.[1]?.toLowerCase() ?? 'utf-8';
}
