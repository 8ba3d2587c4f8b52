/**
 * Writes a streamed response entity into Node's `ServerResponse`, one chunk per pull, pulling again
 * only when `write()` accepted the chunk or 'drain' came — so the entity's source runs exactly as fast
 * as the client reads.
 *
 * A client that goes away mid-response is routine (a closed browser tab, an EventSource that moved
 * on): the entity's source is cancelled and the stream completes quietly. A failing source is the
 * application's problem: the response is destroyed (the client sees a truncated message, never a
 * well-formed lie) and the materialized promise rejects with the error.
 */
import type { ServerResponse } from 'node:http';
import { GraphStageLogic, GraphStageWithMaterializedValue, type InHandler, Inlet, SinkShape } from '@tributary/core/stage';

export class ResponseBodySink extends GraphStageWithMaterializedValue<SinkShape<Buffer>, Promise<void>> {
  readonly in = new Inlet<Buffer>('HttpServer.responseBody.in');
  readonly shape = new SinkShape(this.in);

  constructor(readonly res: ServerResponse) {
    super();
  }

  override get defaultName(): string {
    return 'HttpServer.responseBody';
  }

  createLogicAndMaterializedValue(): [GraphStageLogic, Promise<void>] {
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return [new ResponseBodyLogic(this, resolve, reject), done];
  }
}

class ResponseBodyLogic extends GraphStageLogic implements InHandler {
  private readonly res: ServerResponse;
  private readonly in: Inlet<Buffer>;
  private readonly onDrain: () => void;
  private readonly onClose: () => void;

  constructor(
    stage: ResponseBodySink,
    private readonly resolve: () => void,
    private readonly reject: (e: unknown) => void,
  ) {
    super(stage.shape);
    this.res = stage.res;
    this.in = stage.in;
    this.setHandler(stage.in, this);
    const drained = this.getAsyncCallback<undefined>(() => {
      if (!this.isClosed(this.in) && !this.hasBeenPulled(this.in)) this.pull(this.in);
    });
    const closed = this.getAsyncCallback<undefined>(() => {
      // The client went away (or the server destroyed the connection) before the entity ended.
      this.resolve();
      this.completeStage();
    });
    this.onDrain = () => drained.invoke(undefined);
    this.onClose = () => closed.invoke(undefined);
  }

  override preStart(): void {
    if (this.res.destroyed) {
      this.resolve();
      this.completeStage();
      return;
    }
    this.res.on('drain', this.onDrain);
    this.res.on('close', this.onClose);
    this.pull(this.in);
  }

  onPush(): void {
    if (this.res.write(this.grab(this.in))) this.pull(this.in);
  }

  onUpstreamFinish(): void {
    this.res.removeListener('close', this.onClose);
    this.res.end();
    this.resolve();
    this.completeStage();
  }

  onUpstreamFailure(error: unknown): void {
    this.res.destroy();
    // Reported through the promise (the server logs it); the stream ends here.
    this.reject(error);
    this.completeStage();
  }

  override postStop(): void {
    this.res.removeListener('drain', this.onDrain);
    this.res.removeListener('close', this.onClose);
  }
}
