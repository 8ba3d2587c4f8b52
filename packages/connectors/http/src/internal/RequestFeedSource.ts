/**
 * The source of one connection's requests for a handler flow (`bindFlow`, `IncomingConnection.handleWith`).
 * The connection pushes requests into the materialized `RequestFeed` as Node parses them; the source
 * emits them one per pull, in arrival order. The feed is bounded by the connection, not here: after
 * `pipeliningLimit` unanswered requests the connection stops reading its socket.
 */
import { GraphStageLogic, GraphStageWithMaterializedValue, type OutHandler, Outlet, SourceShape } from '@tributary/core/stage';
import type { HttpRequest } from '../HttpRequest.js';

export class RequestFeed {
  readonly queue: HttpRequest[] = [];
  completed = false;
  /** @internal Wakes the running stage; null until it started. */
  wake: (() => void) | null = null;

  offer(request: HttpRequest): void {
    if (this.completed) return;
    this.queue.push(request);
    this.wake?.();
  }

  complete(): void {
    this.completed = true;
    this.wake?.();
  }
}

export class RequestFeedSource extends GraphStageWithMaterializedValue<SourceShape<HttpRequest>, RequestFeed> {
  readonly out = new Outlet<HttpRequest>('HttpConnection.requests');
  readonly shape = new SourceShape(this.out);

  override get defaultName(): string {
    return 'HttpConnection.requests';
  }

  createLogicAndMaterializedValue(): [GraphStageLogic, RequestFeed] {
    const feed = new RequestFeed();
    return [new RequestFeedLogic(this.shape, feed), feed];
  }
}

class RequestFeedLogic extends GraphStageLogic implements OutHandler {
  private head = 0;

  constructor(
    shape: SourceShape<HttpRequest>,
    private readonly feed: RequestFeed,
  ) {
    super(shape);
    this.setHandler(shape.out, this);
  }

  override preStart(): void {
    const wake = this.getAsyncCallback<undefined>(() => this.drain());
    this.feed.wake = () => wake.invoke(undefined);
    this.drain();
  }

  onPull(): void {
    this.drain();
  }

  private drain(): void {
    const out = this.shape.outlets[0] as Outlet<HttpRequest>;
    const q = this.feed.queue;
    if (this.head < q.length && this.isAvailable(out)) {
      this.push(out, q[this.head++]!);
      if (this.head === q.length) {
        q.length = 0;
        this.head = 0;
      }
    }
    if (this.feed.completed && this.head >= q.length) this.completeStage();
  }

  override postStop(): void {
    this.feed.wake = null;
    this.feed.completed = true;
  }
}
