import type { Attributes } from '../stage/Attributes.js';
import type { AsyncCallback, GraphStageLogic } from '../stage/GraphStageLogic.js';
import { decide } from './FlowStage.js';
import { isThenable } from './mapAsyncInternals.js';
import { type Deferred, deferred, PromiseSinkLogic, SinkStage } from './SinkStage.js';
import { requireFunction, requirePositiveInt } from './validate.js';

/**
 * `Sink.foreachAsync(parallelism, f)`: calls `f` for each element, with up to `parallelism` calls in
 * flight, in no particular order of completion; resolves when upstream completed and every call settled.
 * A rejection (or synchronous throw) rejects the result and cancels upstream, unless supervision says
 * otherwise (`resume`/`restart`: the element is skipped).
 */
export class ForeachAsyncSink<T> extends SinkStage<T, Promise<void>> {
  constructor(
    readonly parallelism: number,
    readonly f: (x: T) => unknown,
  ) {
    super('foreachAsync');
    requirePositiveInt('Sink.foreachAsync', 'parallelism', parallelism);
    requireFunction('Sink.foreachAsync', 'f', f);
  }
  createLogicAndMaterializedValue(attributes: Attributes): [GraphStageLogic, Promise<void>] {
    const d = deferred<void>();
    return [new ForeachAsyncLogic(this, attributes, d), d.promise];
  }
}

/** Marks a settlement as a failure (allocated only when a call fails). */
class CallFailed {
  constructor(readonly error: unknown) {}
}

/**
 * Only the number of running calls matters, so every call shares the same two promise handlers (created
 * once with the logic) and the same async callback: nothing is allocated per element beyond the
 * promise reaction.
 */
class ForeachAsyncLogic<T> extends PromiseSinkLogic<T, void> {
  private inFlight = 0;
  private readonly onSettled: AsyncCallback<CallFailed | undefined>;
  private readonly onValue: () => void;
  private readonly onError: (e: unknown) => void;

  constructor(
    private readonly sink: ForeachAsyncSink<T>,
    attributes: Attributes,
    d: Deferred<void>,
  ) {
    super(sink, attributes, d);
    this.onSettled = this.getAsyncCallback((failure) => {
      this.inFlight--;
      if (failure !== undefined) this.callFailed(failure.error);
      else this.next();
    });
    this.onValue = () => this.onSettled.invoke(undefined);
    this.onError = (e) => this.onSettled.invoke(new CallFailed(e));
  }

  onPush(): void {
    const x = this.grab(this.stage.in);
    let r: unknown;
    try {
      r = this.sink.f(x);
      if (isThenable(r)) {
        r.then(this.onValue, this.onError);
        this.inFlight++;
      }
    } catch (e) {
      return this.callFailed(e);
    }
    this.next();
  }

  override onUpstreamFinish(): void {
    if (this.inFlight === 0) super.onUpstreamFinish();
    else this.setKeepGoing(true); // the stage outlives its port until the calls have settled
  }

  protected completedValue(): void {}

  private callFailed(e: unknown): void {
    if (decide(this.decider, e) === 'stop') return this.failWith(e);
    this.next();
  }

  private next(): void {
    const inlet = this.stage.in;
    if (this.isClosed(inlet)) {
      if (this.inFlight === 0) {
        this.succeed();
        this.completeStage();
      }
    } else if (this.inFlight < this.sink.parallelism && !this.hasBeenPulled(inlet)) {
      this.pull(inlet);
    }
  }
}
