/**
 * The promise-valued sinks: foreach, fold, reduce, head, headOption, last, lastOption, seq, ignore,
 * onComplete. Each is written once, as a `SinkConsumer` (what it does with an element, its result,
 * its restart): a fused run drains a sync source straight into the consumer, and the sink's own stage
 * logic (`ConsumerSinkLogic`) feeds the same consumer from its inlet.
 */
import type { Attributes, Decider } from '../stage/Attributes.js';
import type { GraphStageLogic } from '../stage/GraphStageLogic.js';
import { FoldAccumulator, ReduceAccumulator } from './accumulators.js';
import { decide, NoSuchElementError } from './FlowStage.js';
import { CREATE_CONSUMER, type FusableSink, type SinkConsumer } from './fusion.js';
import { type Deferred, deferred, PromiseSinkLogic, SinkStage } from './SinkStage.js';
import { requireFunction } from './validate.js';

/**
 * The stage logic of every consumer sink: pulls, hands each element to the consumer (supervision:
 * stop fails, resume skips, restart also restarts the consumer), resolves with `result()` when
 * upstream completes — or at once, cancelling upstream, when the consumer needs no more (head).
 */
class ConsumerSinkLogic<T, R> extends PromiseSinkLogic<T, R> {
  private readonly consumer: SinkConsumer<R>;
  constructor(stage: SinkStage<T, Promise<R>>, attributes: Attributes, d: Deferred<R>, make: (decider: Decider, name: () => string) => SinkConsumer<R>) {
    super(stage, attributes, d);
    this.consumer = make(this.decider, () => this.stageName);
  }
  onPush(): void {
    const inlet = this.stage.in;
    const x = this.grab(inlet);
    let more: boolean;
    try {
      more = this.consumer.accept(x);
    } catch (e) {
      const dir = decide(this.decider, e);
      if (dir === 'stop') return this.failWith(e);
      if (dir === 'restart') this.consumer.restart();
      more = true;
    }
    if (more) return this.pull(inlet);
    let v: R;
    try {
      v = this.consumer.result();
    } catch (e) {
      return this.failWith(e);
    }
    this.succeed(v);
    this.completeStage();
  }
  protected completedValue(): R {
    return this.consumer.result();
  }
}

/** The materialization of a consumer sink: its logic and its promise. */
function materializeConsumerSink<T, R>(stage: SinkStage<T, Promise<R>> & FusableSink<R>, attributes: Attributes): [GraphStageLogic, Promise<R>] {
  const d = deferred<R>();
  return [new ConsumerSinkLogic<T, R>(stage, attributes, d, (decider, name) => stage[CREATE_CONSUMER](decider, name)), d.promise];
}

/** `Sink.foreach(f)`: calls `f` for each element; resolves when the stream completes. Supervision: resume/restart skip the element. */
export class ForeachSink<T> extends SinkStage<T, Promise<void>> implements FusableSink<void> {
  constructor(readonly f: (x: T) => void) {
    super('foreach');
    requireFunction('Sink.foreach', 'f', f);
  }
  [CREATE_CONSUMER](): SinkConsumer<void> {
    const f = this.f as (x: unknown) => void;
    return {
      accept: (x) => {
        f(x);
        return true;
      },
      result: () => undefined,
      restart: () => {},
    };
  }
  createLogicAndMaterializedValue(attributes: Attributes): [GraphStageLogic, Promise<void>] {
    return materializeConsumerSink(this, attributes);
  }
}

/** `Sink.fold(zero, f)`: resolves with the final accumulation. Supervision: resume keeps, restart resets the accumulator. */
export class FoldSink<T, S> extends SinkStage<T, Promise<S>> implements FusableSink<S> {
  constructor(
    readonly zero: S,
    readonly f: (acc: S, x: T) => S,
  ) {
    super('fold');
    requireFunction('Sink.fold', 'f', f);
  }
  [CREATE_CONSUMER](): SinkConsumer<S> {
    return new FoldAccumulator(this.zero, this.f as (acc: S, x: unknown) => S);
  }
  createLogicAndMaterializedValue(attributes: Attributes): [GraphStageLogic, Promise<S>] {
    return materializeConsumerSink(this, attributes);
  }
}

/** `Sink.reduce(f)`: resolves with the reduction; rejects with NoSuchElementError on an empty stream. */
export class ReduceSink<T> extends SinkStage<T, Promise<T>> implements FusableSink<T> {
  constructor(readonly f: (acc: T, x: T) => T) {
    super('reduce');
    requireFunction('Sink.reduce', 'f', f);
  }
  [CREATE_CONSUMER](_decider: Decider, name: () => string): SinkConsumer<T> {
    return new ReduceAccumulator(this.f, name);
  }
  createLogicAndMaterializedValue(attributes: Attributes): [GraphStageLogic, Promise<T>] {
    return materializeConsumerSink(this, attributes);
  }
}

/** The consumer of head/last: keeps one element (the first, then stops; or the latest). */
function elementConsumer<R>(optional: boolean, first: boolean, emptyMessage: () => string): SinkConsumer<R> {
  let value: unknown;
  let has = false;
  return {
    accept: (x) => {
      value = x;
      has = true;
      return !first;
    },
    result: () => {
      if (has || optional) return value as R;
      throw new NoSuchElementError(emptyMessage());
    },
    restart: () => {},
  };
}

const headOfEmpty = (stage: string) => `${stage}: head of an empty stream (use Sink.headOption() to get undefined instead)`;
const lastOfEmpty = (stage: string) => `${stage}: last of an empty stream (use Sink.lastOption() to get undefined instead)`;

/**
 * `Sink.head()` / `Sink.headOption()`: resolves with the first element and cancels upstream. On an
 * empty stream head rejects with NoSuchElementError; headOption resolves with `undefined`.
 */
export class HeadSink<T, R> extends SinkStage<T, Promise<R>> implements FusableSink<R> {
  constructor(readonly optional: boolean) {
    super(optional ? 'headOption' : 'head');
  }
  [CREATE_CONSUMER](_decider: Decider, name: () => string): SinkConsumer<R> {
    return elementConsumer<R>(this.optional, true, () => headOfEmpty(name()));
  }
  createLogicAndMaterializedValue(attributes: Attributes): [GraphStageLogic, Promise<R>] {
    return materializeConsumerSink(this, attributes);
  }
}

/** `Sink.last()` / `Sink.lastOption()`: resolves with the last element (empty: rejects / `undefined`). */
export class LastSink<T, R> extends SinkStage<T, Promise<R>> implements FusableSink<R> {
  constructor(readonly optional: boolean) {
    super(optional ? 'lastOption' : 'last');
  }
  [CREATE_CONSUMER](_decider: Decider, name: () => string): SinkConsumer<R> {
    return elementConsumer<R>(this.optional, false, () => lastOfEmpty(name()));
  }
  createLogicAndMaterializedValue(attributes: Attributes): [GraphStageLogic, Promise<R>] {
    return materializeConsumerSink(this, attributes);
  }
}

/** `Sink.seq()`: resolves with all elements in order. */
export class SeqSink<T> extends SinkStage<T, Promise<T[]>> implements FusableSink<T[]> {
  constructor() {
    super('seq');
  }
  [CREATE_CONSUMER](): SinkConsumer<T[]> {
    const buf: T[] = [];
    return {
      accept: (x) => {
        buf.push(x as T);
        return true;
      },
      result: () => buf,
      restart: () => {},
    };
  }
  createLogicAndMaterializedValue(attributes: Attributes): [GraphStageLogic, Promise<T[]>] {
    return materializeConsumerSink(this, attributes);
  }
}

const ignoring: SinkConsumer<void> = { accept: () => true, result: () => undefined, restart: () => {} };

/** `Sink.ignore()`: consumes everything; resolves on completion. */
export class IgnoreSink<T> extends SinkStage<T, Promise<void>> implements FusableSink<void> {
  constructor() {
    super('ignore');
  }
  [CREATE_CONSUMER](): SinkConsumer<void> {
    return ignoring;
  }
  createLogicAndMaterializedValue(attributes: Attributes): [GraphStageLogic, Promise<void>] {
    return materializeConsumerSink(this, attributes);
  }
}

/**
 * `Sink.onComplete(callback)`: consumes everything and calls `callback()` on completion or
 * `callback(error)` on failure (also when stopped from outside).
 */
export class OnCompleteSink<T> extends SinkStage<T, undefined> {
  constructor(readonly callback: (error?: unknown) => void) {
    super('onComplete');
    requireFunction('Sink.onComplete', 'callback', callback);
  }
  createLogicAndMaterializedValue(attributes: Attributes): [GraphStageLogic, undefined] {
    const d = deferred<void>();
    d.promise.then(
      () => this.callback(),
      (e) => this.callback(e),
    );
    return [new ConsumerSinkLogic(this as unknown as SinkStage<T, Promise<void>>, attributes, d, () => ignoring), undefined];
  }
}
