import {
  Flow,
  type Graph,
  KillSwitches,
  type Materializer,
  OverflowStrategy,
  QueueOfferResult,
  type SinkShape,
  Source,
  type SourceQueue,
} from '@tributary/core';
import { BadRecordError } from '../domain/BadRecordError.js';
import { parseSensorRecord } from '../domain/parseSensorRecord.js';
import type { ScoredRecord } from '../domain/ScoredRecord.js';

/** What a client gets back for each record it sent (one JSON line or message per record, in its order). */
export type IngestReply = ScoredRecord | { readonly line: number; readonly error: string; readonly kind?: string };

/** Records of one connection being scored at once (its window: more wait in the client's socket). */
export const INGEST_PARALLELISM = 64;

interface Pending {
  readonly record: object;
  readonly line: number;
  readonly resolve: (reply: IngestReply) => void;
}

/**
 * One client connection of the direct-ingest mode: its records enter the shared scoring graph
 * through a queue of its own (into the graph's `MergeHub`), and its replies come back in its order.
 * The scoring stage keeps the order of what it receives and passes the record objects on as they
 * are, so a scored record finds its connection by identity, and any of this connection's records
 * still waiting before it were skipped by the stage (a record the model could not score).
 */
class IngestConnection {
  private readonly queue: SourceQueue<unknown>;
  private readonly waiting: Pending[] = [];
  private offering: Promise<unknown> = Promise.resolve();
  private lines = 0;

  constructor(
    private readonly router: IngestRouter,
    into: Graph<SinkShape<unknown>, unknown>,
    materializer: Materializer,
  ) {
    this.queue = Source.queue<unknown>(INGEST_PARALLELISM, OverflowStrategy.backpressure).to(into).run(materializer);
  }

  /** Takes one line of input (a JSON record); resolves with its reply. */
  handle(text: string): Promise<IngestReply> {
    const line = ++this.lines;
    if (this.router.isClosed) return Promise.resolve({ line, error: 'the service is stopping: record not taken' });
    let record: object;
    try {
      record = parseSensorRecord(text);
    } catch (e) {
      if (!(e instanceof BadRecordError)) throw e;
      // The stage sees it too, so that it is counted (and its kind logged once) as in every mode.
      return this.offer(text).then(() => ({ line, error: e.message, kind: e.kind }));
    }
    return new Promise<IngestReply>((resolve, reject) => {
      this.waiting.push({ record, line, resolve });
      this.router.track(record, this);
      this.offer(record).catch(reject);
    });
  }

  /** Offers go one after another: a queue takes one pending offer at a time. */
  private offer(element: unknown): Promise<void> {
    const offered = this.offering.then(async () => {
      const result = await this.queue.offer(element);
      if (result !== QueueOfferResult.Enqueued) throw new Error(`direct ingest: the scoring graph did not take the record (${result.kind})`);
    });
    this.offering = offered.catch(() => {});
    return offered;
  }

  /** A scored record of this connection came out of the stage. */
  scored(scored: ScoredRecord): void {
    for (let next = this.waiting.shift(); next !== undefined; next = this.waiting.shift()) {
      if (next.record === scored.record) return next.resolve(scored);
      next.resolve({ line: next.line, error: 'the scoring stage skipped this record (the model could not score it; see the service log)' });
    }
  }

  /** The scoring graph ended: what is still waiting will not be scored. */
  abandon(reason: string): void {
    for (const p of this.waiting.splice(0)) p.resolve({ line: p.line, error: reason });
  }

  /** The client's input ended: no more records from this connection. */
  close(): void {
    this.queue.complete();
    this.router.forget(this);
  }

  get inFlight(): number {
    return this.waiting.length;
  }
}

/**
 * The direct-ingest mode's switchboard: connections (`connectionFlow()`) send records into the
 * shared scoring graph through `into` (a `MergeHub` sink), and `route(scored)` — on the graph's
 * scored path — hands each scored record back to the connection it came from.
 */
export class IngestRouter {
  private readonly owners = new WeakMap<object, IngestConnection>();
  private readonly open = new Set<IngestConnection>();
  private closed = false;
  private readonly idleWaiters: (() => void)[] = [];
  /** Ends every connection's reply stream once the router is closed and drained (WebSocket: close 1000). */
  private readonly connections = KillSwitches.shared('direct-ingest connections');

  constructor(
    private readonly into: Graph<SinkShape<unknown>, unknown>,
    private readonly materializer: Materializer,
  ) {}

  /**
   * One connection's flow: lines of JSON records in, one reply per line out (the scored record as
   * JSON, or `{ line, error, kind? }`), in the order of the lines. At most `INGEST_PARALLELISM`
   * records of a connection are being scored at once.
   *
   * - **Emits when** the reply to the oldest unanswered line is ready and downstream pulls.
   * - **Backpressures when** `INGEST_PARALLELISM` records are being scored, or downstream backpressures.
   * - **Completes when** upstream completes and every line was answered, or the router was closed
   *   and every record in flight was answered.
   * - **Cancels when** downstream cancels.
   */
  connectionFlow(): Flow<string, string> {
    return Flow.lazyFlow(() => {
      const connection = new IngestConnection(this, this.into, this.materializer);
      this.open.add(connection);
      return Flow.create<string>()
        .filter((line) => line.trim().length > 0)
        .mapAsync(INGEST_PARALLELISM, (line) => connection.handle(line))
        .map((reply) => JSON.stringify(reply))
        .via(this.connections.flow<string>())
        .watchTermination((_, done) => {
          void done.then(
            () => connection.close(),
            () => connection.close(),
          );
        });
    }).mapMaterializedValue(() => undefined);
  }

  /** On the scored path: gives a scored record back to its connection (records of no connection pass). */
  route(scored: ScoredRecord): void {
    const owner = this.owners.get(scored.record);
    if (owner === undefined) return;
    this.owners.delete(scored.record);
    owner.scored(scored);
    if (this.closed) this.notifyIfIdle();
  }

  /**
   * Stops taking records (later lines are answered with an error); once none is in flight, ends the
   * connections' reply streams and resolves.
   */
  close(): Promise<void> {
    this.closed = true;
    return new Promise<void>((resolve) => {
      this.idleWaiters.push(resolve);
      this.notifyIfIdle();
    }).then(() => this.connections.shutdown());
  }

  /** The scoring graph ended: answers every record still waiting with `reason`, then ends the connections. */
  abandonAll(reason: string): void {
    this.closed = true;
    for (const c of this.open) c.abandon(reason);
    this.notifyIfIdle();
    this.connections.shutdown();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** @internal */
  track(record: object, connection: IngestConnection): void {
    this.owners.set(record, connection);
  }

  /** @internal */
  forget(connection: IngestConnection): void {
    this.open.delete(connection);
    if (this.closed) this.notifyIfIdle();
  }

  private notifyIfIdle(): void {
    for (const c of this.open) if (c.inFlight > 0) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
