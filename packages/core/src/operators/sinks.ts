/** The promise-valued sinks: foreach, fold, reduce, head, headOption, last, lastOption, seq, ignore, onComplete. */
import type { Attributes } from '../stage/Attributes.js';
import type { GraphStageLogic } from '../stage/GraphStageLogic.js';
import { decide, NoSuchElementError } from './FlowStage.js';
import { CREATE_CONSUMER, type FusableSink, type SinkConsumer } from './fusion.js';
import { type Deferred, deferred, PromiseSinkLogic, SinkStage } from './SinkStage.js';
import { requireFunction } from './validate.js';

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
    const d = deferred<void>();
    return [new ForeachLogic(this, attributes, d), d.promise];
  }
}

class ForeachLogic<T> extends PromiseSinkLogic<T, void> {
  private readonly f: (x: T) => void;
  constructor(stage: ForeachSink<T>, attributes: Attributes, d: Deferred<void>) {
    super(stage, attributes, d);
    this.f = stage.f;
  }
  onPush(): void {
    const inlet = this.stage.in;
    try {
      this.f(this.grab(inlet));
    } catch (e) {
      if (decide(this.decider, e) === 'stop') return this.failWith(e);
    }
    this.pull(inlet);
  }
  protected completedValue(): void {}
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
    return new FoldConsumer(this.zero, this.f as (acc: S, x: unknown) => S);
  }
  createLogicAndMaterializedValue(attributes: Attributes): [GraphStageLogic, Promise<S>] {
    const d = deferred<S>();
    return [new FoldSinkLogic(this, attributes, d), d.promise];
  }
}

class FoldConsumer<S> implements SinkConsumer<S> {
  private acc: S;
  constructor(
    private readonly zero: S,
    private readonly f: (acc: S, x: unknown) => S,
  ) {
    this.acc = zero;
  }
  accept(x: unknown): boolean {
    this.acc = this.f(this.acc, x);
    return true;
  }
  result(): S {
    return this.acc;
  }
  restart(): void {
    this.acc = this.zero;
  }
}

class FoldSinkLogic<T, S> extends PromiseSinkLogic<T, S> {
  private acc: S;
  private readonly f: (acc: S, x: T) => S;
  constructor(
    private readonly fold: FoldSink<T, S>,
    attributes: Attributes,
    d: Deferred<S>,
  ) {
    super(fold, attributes, d);
    this.acc = fold.zero;
    this.f = fold.f;
  }
  onPush(): void {
    const inlet = this.stage.in;
    try {
      this.acc = this.f(this.acc, this.grab(inlet));
    } catch (e) {
      const dir = decide(this.decider, e);
      if (dir === 'stop') return this.failWith(e);
      if (dir === 'restart') this.acc = this.fold.zero;
    }
    this.pull(inlet);
  }
  protected completedValue(): S {
    return this.acc;
  }
}

/** `Sink.reduce(f)`: resolves with the reduction; rejects with NoSuchElementError on an empty stream. */
export class ReduceSink<T> extends SinkStage<T, Promise<T>> implements FusableSink<T> {
  constructor(readonly f: (acc: T, x: T) => T) {
    super('reduce');
    requireFunction('Sink.reduce', 'f', f);
  }
  [CREATE_CONSUMER](): SinkConsumer<T> {
    const f = this.f;
    let acc: T | undefined;
    let has = false;
    return {
      accept: (x) => {
        if (has) acc = f(acc as T, x as T);
        else {
          acc = x as T;
          has = true;
        }
        return true;
      },
      result: () => {
        if (!has) throw new NoSuchElementError(`${this.defaultName}: reduce over an empty stream`);
        return acc as T;
      },
      restart: () => {
        has = false;
        acc = undefined;
      },
    };
  }
  createLogicAndMaterializedValue(attributes: Attributes): [GraphStageLogic, Promise<T>] {
    const d = deferred<T>();
    return [new ReduceSinkLogic(this, attributes, d), d.promise];
  }
}

class ReduceSinkLogic<T> extends PromiseSinkLogic<T, T> {
  private acc: T | undefined;
  private has = false;
  constructor(
    private readonly reduce: ReduceSink<T>,
    attributes: Attributes,
    d: Deferred<T>,
  ) {
    super(reduce, attributes, d);
  }
  onPush(): void {
    const inlet = this.stage.in;
    const x = this.grab(inlet);
    if (!this.has) {
      this.acc = x;
      this.has = true;
    } else {
      try {
        this.acc = this.reduce.f(this.acc as T, x);
      } catch (e) {
        const dir = decide(this.decider, e);
        if (dir === 'stop') return this.failWith(e);
        if (dir === 'restart') this.has = false;
      }
    }
    this.pull(inlet);
  }
  protected completedValue(): T {
    if (!this.has) throw new NoSuchElementError(`${this.stageName}: reduce over an empty stream`);
    return this.acc as T;
  }
}

/** The fused-run consumer of head/last: keeps one element (the first, then stops; or the latest). */
function elementConsumer<R>(optional: boolean, first: boolean, emptyMessage: string): SinkConsumer<R> {
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
      throw new NoSuchElementError(emptyMessage);
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
  [CREATE_CONSUMER](): SinkConsumer<R> {
    return elementConsumer<R>(this.optional, true, headOfEmpty(this.defaultName));
  }
  createLogicAndMaterializedValue(attributes: Attributes): [GraphStageLogic, Promise<R>] {
    const d = deferred<R>();
    return [new HeadLogic(this, attributes, d), d.promise];
  }
}

class HeadLogic<T, R> extends PromiseSinkLogic<T, R> {
  constructor(
    private readonly head: HeadSink<T, R>,
    attributes: Attributes,
    d: Deferred<R>,
  ) {
    super(head, attributes, d);
  }
  onPush(): void {
    this.succeed(this.grab(this.stage.in) as unknown as R);
    this.completeStage();
  }
  protected completedValue(): R {
    if (this.head.optional) return undefined as R;
    throw new NoSuchElementError(headOfEmpty(this.stageName));
  }
}

/** `Sink.last()` / `Sink.lastOption()`: resolves with the last element (empty: rejects / `undefined`). */
export class LastSink<T, R> extends SinkStage<T, Promise<R>> implements FusableSink<R> {
  constructor(readonly optional: boolean) {
    super(optional ? 'lastOption' : 'last');
  }
  [CREATE_CONSUMER](): SinkConsumer<R> {
    return elementConsumer<R>(this.optional, false, lastOfEmpty(this.defaultName));
  }
  createLogicAndMaterializedValue(attributes: Attributes): [GraphStageLogic, Promise<R>] {
    const d = deferred<R>();
    return [new LastLogic(this, attributes, d), d.promise];
  }
}

class LastLogic<T, R> extends PromiseSinkLogic<T, R> {
  private last: T | undefined;
  private has = false;
  constructor(
    private readonly lastSink: LastSink<T, R>,
    attributes: Attributes,
    d: Deferred<R>,
  ) {
    super(lastSink, attributes, d);
  }
  onPush(): void {
    this.last = this.grab(this.stage.in);
    this.has = true;
    this.pull(this.stage.in);
  }
  protected completedValue(): R {
    if (this.has || this.lastSink.optional) return this.last as unknown as R;
    throw new NoSuchElementError(lastOfEmpty(this.stageName));
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
    const d = deferred<T[]>();
    return [new SeqLogic(this, attributes, d), d.promise];
  }
}

class SeqLogic<T> extends PromiseSinkLogic<T, T[]> {
  private readonly buf: T[] = [];
  onPush(): void {
    this.buf.push(this.grab(this.stage.in));
    this.pull(this.stage.in);
  }
  protected completedValue(): T[] {
    return this.buf;
  }
}

/** `Sink.ignore()`: consumes everything; resolves on completion. */
export class IgnoreSink<T> extends SinkStage<T, Promise<void>> implements FusableSink<void> {
  constructor() {
    super('ignore');
  }
  [CREATE_CONSUMER](): SinkConsumer<void> {
    return { accept: () => true, result: () => undefined, restart: () => {} };
  }
  createLogicAndMaterializedValue(attributes: Attributes): [GraphStageLogic, Promise<void>] {
    const d = deferred<void>();
    return [new IgnoreLogic(this, attributes, d), d.promise];
  }
}

class IgnoreLogic<T> extends PromiseSinkLogic<T, void> {
  onPush(): void {
    this.grab(this.stage.in);
    this.pull(this.stage.in);
  }
  protected completedValue(): void {}
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
    return [new IgnoreLogic(this as unknown as SinkStage<T, Promise<void>>, attributes, d), undefined];
  }
}
