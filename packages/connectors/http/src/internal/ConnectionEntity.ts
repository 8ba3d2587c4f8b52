/**
 * The entity of a message that is arriving over a connection: a client's response body (an undici
 * `BodyReadable`) or a server's request body (Node's `IncomingMessage`). Both are Node readables whose
 * own buffer is small (undici and Node pause the socket when it is full), so reading is what pulls bytes
 * off the network and not reading is back-pressure all the way to the peer.
 *
 * The bytes can be taken once: by `dataBytes` (a stream stage reading one chunk per pull), by
 * `toStrict`/`text`/`json` (collected directly from the readable, without a stream per message), or by
 * `discardBytes` (drained). Whoever takes them *claims* the entity; a second claim fails with
 * `EntityConsumedError`. A consumer that stops early (cancellation, size limit, timeout) *abandons* the
 * readable, and the owner decides what that means (`abandon`): the client destroys the body, which
 * closes the connection; the server closes the connection after its response.
 *
 * ## The subscription timeout (client responses)
 *
 * A response that nobody reads keeps its pooled connection busy forever — Akka HTTP's best-known trap.
 * A `SubscriptionWatch` gives the application a deadline to claim the entity; when it passes
 * unclaimed (`expireUnclaimed`), the body is abandoned (connection freed), a warning is logged, and
 * later readers get `EntitySubscriptionTimeoutError`.
 */
import type { Readable } from 'node:stream';
import { type Cancellable, type Scheduler, Source, SystemScheduler } from '@tributary/core';
import { EntityConsumedError, EntityStreamSizeError, EntitySubscriptionTimeoutError } from '../errors.js';
import { entityTimeout, HttpEntity } from '../HttpEntity.js';
import type { HttpLogger } from '../HttpLogger.js';
import { connectionClosed, ReadableEntitySource } from './ReadableEntitySource.js';
import type { Watched } from './SubscriptionWatch.js';

export interface ConnectionEntityOptions {
  readonly contentType: string | undefined;
  readonly contentLength: number | undefined;
  /** Bytes allowed through any reader (`Infinity`: no limit); more fails with `EntityStreamSizeError`. */
  readonly maxBytes: number;
  /** Who reads this entity, for messages: `maxRequestEntityBytes`, `GET http://…`. */
  readonly limitName: string;
  /** A reader stopped before the end: the owner releases the readable its own way. */
  readonly abandon: (body: Readable) => void;
}

type State = 'fresh' | 'claimed' | 'discarded' | 'timedOut';

const clock: Scheduler = new SystemScheduler();

export class ConnectionEntity extends HttpEntity {
  readonly kind = 'streamed' as const;
  private state: State = 'fresh';
  private timeoutError: EntitySubscriptionTimeoutError | null = null;
  private doneListeners: (() => void)[] | null = [];
  private watched: Watched | null = null;
  private finished = false;

  constructor(
    private readonly body: Readable,
    private readonly options: ConnectionEntityOptions,
  ) {
    super(options.contentType, options.contentLength);
    // 'close' comes (once) after 'end' (autoDestroy) and after destruction: either way the exchange is over.
    body.on('close', () => this.markDone());
  }

  /** The readable, for the one reader allowed; throws if someone else already took it. */
  claim(how: 'read' | 'discarded'): Readable {
    if (this.state !== 'fresh') {
      if (this.state === 'timedOut') throw this.timeoutError!;
      throw new EntityConsumedError(this.state === 'discarded' ? 'discarded' : 'read');
    }
    this.state = how === 'read' ? 'claimed' : 'discarded';
    this.unwatch();
    return this.body;
  }

  get maxBytes(): number {
    return this.options.maxBytes;
  }

  get limitName(): string {
    return this.options.limitName;
  }

  /** Whether a reader has taken (or discarded) the bytes. */
  get isClaimed(): boolean {
    return this.state !== 'fresh';
  }

  /** Whether every byte has been read (or the readable is gone). */
  get isDone(): boolean {
    return this.finished;
  }

  /** @internal A reader stopped early. */
  abandon(): void {
    if (!this.finished) this.options.abandon(this.body);
  }

  /** Calls `listener` once the readable has ended or been destroyed (at once if it already has). */
  onDone(listener: () => void): void {
    if (this.doneListeners === null) listener();
    else this.doneListeners.push(listener);
  }

  private markDone(): void {
    this.finished = true;
    this.unwatch();
    const ls = this.doneListeners;
    this.doneListeners = null;
    if (ls !== null) for (const l of ls) l();
  }

  /** @internal A subscription watch keeps `watched` for this entity until it is claimed or done. */
  watchedBy(watched: Watched): void {
    this.watched = watched;
  }

  private unwatch(): void {
    if (this.watched !== null) {
      this.watched.entity = null;
      this.watched = null;
    }
  }

  /**
   * The subscription timeout passed (see `SubscriptionWatch`): if nobody has claimed the bytes, they are
   * discarded, a warning is logged and later readers get `EntitySubscriptionTimeoutError`.
   */
  expireUnclaimed(timeoutMs: number, logger: HttpLogger, description: string): void {
    if (this.state !== 'fresh' || this.finished) return;
    this.state = 'timedOut';
    this.timeoutError = new EntitySubscriptionTimeoutError(timeoutMs, description);
    logger.warn(this.timeoutError.message);
    this.options.abandon(this.body);
  }

  get dataBytes(): Source<Buffer> {
    return Source.fromGraph(new ReadableEntitySource(this));
  }

  protected collect(timeoutMs: number, maxBytes: number): Promise<Buffer> {
    let body: Readable;
    try {
      body = this.claim('read');
    } catch (e) {
      return Promise.reject(e);
    }
    return this.readAll(
      body,
      timeoutMs,
      Math.min(maxBytes, this.options.maxBytes),
      maxBytes < this.options.maxBytes ? 'HttpEntity.toStrict' : this.options.limitName,
      true,
    );
  }

  discardBytes(): Promise<void> {
    let body: Readable;
    try {
      body = this.claim('discarded');
    } catch (e) {
      return Promise.reject(e);
    }
    return this.readAll(body, Infinity, this.options.maxBytes, this.options.limitName, false).then(() => undefined);
  }

  /**
   * Reads the whole readable in flowing mode (fast: no stream per message), keeping the bytes if asked.
   * Listeners are removed only when reading stops early: after 'end' the readable is finished and
   * removing them would be pure cost (this runs once per response).
   */
  private readAll(body: Readable, timeoutMs: number, maxBytes: number, limitName: string, keep: boolean): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      let timer: Cancellable | null = null;
      const stop = (error: unknown): void => {
        if (settled) return;
        settled = true;
        timer?.cancel();
        body.removeListener('data', onData);
        body.pause();
        this.abandon();
        reject(error);
      };
      const onData = (chunk: Buffer): void => {
        size += chunk.length;
        if (size > maxBytes) stop(new EntityStreamSizeError(maxBytes, this.contentLength, limitName));
        else if (keep) chunks.push(chunk);
      };
      const onEnd = (): void => {
        if (settled) return;
        settled = true;
        timer?.cancel();
        resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
      };
      const onError = (e: unknown): void => {
        if (settled) return;
        settled = true;
        timer?.cancel();
        reject(e);
      };
      // 'close' also follows a normal 'end': only an early one is an error (and only then worth a stack trace).
      const onClose = (): void => {
        if (!settled) onError(connectionClosed(limitName));
      };
      if (body.readableEnded) return resolve(Buffer.alloc(0));
      if (body.destroyed) return reject(connectionClosed(limitName));
      if (timeoutMs !== Infinity) timer = clock.scheduleOnce(timeoutMs, () => stop(entityTimeout(timeoutMs)));
      body.on('data', onData);
      body.once('end', onEnd);
      body.once('error', onError);
      body.once('close', onClose);
      body.resume();
    });
  }

  override toString(): string {
    return `HttpEntity.Streamed(${this.contentType ?? 'no content type'}${this.contentLength === undefined ? '' : `, ${this.contentLength} bytes`}, from a connection)`;
  }
}
