/**
 * The running half of a stage. A `GraphStageLogic` is created afresh for every materialization and
 * holds all of the stage's mutable state.
 *
 * Rules of the stage API (Akka's, unchanged):
 * - Mutable state lives only inside the logic, never in the `GraphStage` (which is a reusable blueprint).
 * - Handlers (`onPush`, `onPull`, …) and `preStart`/`postStop` are only ever called by the interpreter,
 *   one at a time; inside them the logic may call the port operations below.
 * - Nothing outside the stream may touch the logic directly: external events (timers, promises, I/O
 *   callbacks) enter through `getAsyncCallback`, which runs the handler inside the island.
 * - `push` only after the outlet was pulled; `grab` only after `onPush`; one `pull` per element.
 *   Violations throw an error that names the stage and the port.
 * - `postStop` runs exactly once, whatever ended the stage (completion, failure, cancellation,
 *   materializer shutdown). It is the only guaranteed place to release resources.
 */
import {
  type Connection,
  Created,
  Empty,
  type GraphInterpreter,
  IllegalStageUsageError,
  InClosed,
  type InHandler,
  InReady,
  type InterpreterLogic,
  NoMoreElementsNeeded,
  NonFailureCancellation,
  OutClosed,
  type OutHandler,
  OutReady,
  PullStartFlip,
  PushStartFlip,
  Running,
  StageWasCompleted,
} from '../impl/GraphInterpreter.js';
import type { MaterializerImpl } from '../impl/MaterializerImpl.js';
import { Attributes } from './Attributes.js';
import type { Inlet, Outlet } from './Ports.js';
import type { Shape } from './Shape.js';

export type { InHandler, OutHandler };

/** A handle that lets code outside the stream deliver an event into a running stage. */
export interface AsyncCallback<T> {
  /** Queues `value` for the stage's handler; dropped if the stage has already stopped. */
  invoke(value: T): void;
  /** Like `invoke`, but the promise settles once the handler ran (rejects if the stage has stopped). */
  invokeWithFeedback(value: T): Promise<void>;
}

/** Raised when an async callback targets a stage that is no longer running. */
export class StreamDetachedException extends Error {
  constructor(stage: string) {
    super(`Stage ${stage} has already stopped; the async callback was not delivered`);
    this.name = 'StreamDetachedException';
  }
}

/** A marker in an emission queue: run a follow-up action (or complete) once the elements before it went out. */
class FollowUp {
  constructor(readonly action: () => void) {}
}

/** Temporary out-handler that pushes queued elements on each pull, then restores the previous handler. */
class Emitting implements OutHandler {
  readonly queue: unknown[] = [];
  pos = 0;
  constructor(
    private readonly logic: GraphStageLogic,
    private readonly out: Outlet<any>,
    readonly previous: OutHandler,
  ) {}

  onPull(): void {
    const q = this.queue;
    let item = q[this.pos++];
    while (item instanceof FollowUp) {
      item.action();
      if (this.pos >= q.length) {
        // Nothing left to emit: the pull belongs to the stage's own handler again.
        this.finish();
        if (this.logic.isAvailable(this.out)) this.previous.onPull();
        return;
      }
      item = q[this.pos++];
    }
    this.logic.push(this.out, item);
    this.runFollowUps();
  }

  /** Runs follow-ups queued right after the element just pushed; restores the handler when drained. */
  runFollowUps(): void {
    const q = this.queue;
    while (this.pos < q.length && q[this.pos] instanceof FollowUp) (q[this.pos++] as FollowUp).action();
    if (this.pos >= q.length) this.finish();
  }

  private finish(): void {
    if (this.logic._outHandlers[this.out.index] === this) this.logic.setHandler(this.out, this.previous);
  }

  onDownstreamFinish(cause: unknown): void {
    const h = this.previous;
    if (h.onDownstreamFinish !== undefined) h.onDownstreamFinish(cause);
    else this.logic.cancelStage(cause);
  }
}

/**
 * A class rather than an object literal: `invoke` is one shared method, so hot loops that call it are
 * optimized once for all streams (per-stream closures would be re-learned after every major GC).
 * The handler runs with the logic as `this`, so a logic may pass one of its own prototype methods.
 */
class AsyncCallbackImpl<T> implements AsyncCallback<T> {
  constructor(
    private readonly logic: GraphStageLogic,
    private readonly handler: (this: GraphStageLogic, value: T) => void,
  ) {}

  invoke(value: T): void {
    const logic = this.logic;
    const it = logic._interpreter;
    if (it === null) throw new IllegalStageUsageError(`${logic.stageName}: async callback invoked before the stage was materialized`);
    it.invokeAsync(logic, this.handler as (v: unknown) => void, value);
  }

  invokeWithFeedback(value: T): Promise<void> {
    const logic = this.logic;
    const handler = this.handler;
    return new Promise<void>((resolve, reject) => {
      const it = logic._interpreter;
      if (it === null || logic._phase > Running || it.isFinished) {
        reject(new StreamDetachedException(logic.stageName));
        return;
      }
      let delivered = false;
      it.invokeAsync(
        logic,
        (v: unknown) => {
          delivered = true;
          handler.call(logic, v as T);
          resolve();
        },
        value,
      );
      // If the stage stops before the input is delivered, the promise must not hang.
      logic._onStop(() => {
        if (!delivered) reject(new StreamDetachedException(logic.stageName));
      });
    });
  }
}

export abstract class GraphStageLogic implements InterpreterLogic {
  /** @internal */ _stageId = -1;
  /** @internal */ _interpreter: GraphInterpreter | null = null;
  /** @internal */ _openPorts = 0;
  /** @internal */ _keepGoing = false;
  /** @internal */ _phase = Created;
  /** @internal */ readonly _inConns: (Connection | undefined)[];
  /** @internal */ readonly _outConns: (Connection | undefined)[];
  /** @internal */ readonly _inHandlers: (InHandler | undefined)[];
  /** @internal */ readonly _outHandlers: (OutHandler | undefined)[];
  /** @internal */ readonly _inlets: readonly Inlet<any>[];
  /** @internal */ readonly _outlets: readonly Outlet<any>[];
  /** @internal */ _defaultName = '';
  /** @internal */ _materializer: MaterializerImpl | null = null;

  /** The attributes this logic was materialized with (inherited and its own). */
  attributes: Attributes = Attributes.none;

  constructor(readonly shape: Shape) {
    const inlets = shape.inlets;
    const outlets = shape.outlets;
    for (let i = 0; i < inlets.length; i++) inlets[i]!.index = i;
    for (let i = 0; i < outlets.length; i++) outlets[i]!.index = i;
    this._inlets = inlets;
    this._outlets = outlets;
    this._inConns = new Array<Connection | undefined>(inlets.length).fill(undefined);
    this._outConns = new Array<Connection | undefined>(outlets.length).fill(undefined);
    this._inHandlers = new Array<InHandler | undefined>(inlets.length).fill(undefined);
    this._outHandlers = new Array<OutHandler | undefined>(outlets.length).fill(undefined);
  }

  /** The name used in errors and logs: the `named()` name if one was given, else the operator's name. */
  get stageName(): string {
    return this.attributes.name ?? (this._defaultName || this.constructor.name);
  }

  /** The materializer running this stage (its scheduler drives all timers). */
  get materializer(): MaterializerImpl {
    if (this._materializer === null) throw new IllegalStageUsageError(`${this.stageName}: the materializer is only available once the stage is materialized`);
    return this._materializer;
  }

  // ───────────────────────────── lifecycle ─────────────────────────────

  /** Called once before any handler; may push (after a pull), pull, emit or complete. */
  preStart(): void {}

  /** Called exactly once when the stage stops, whatever stopped it. Release resources here. */
  postStop(): void {}

  /** @internal */ _preStart(): void {
    this.preStart();
  }

  /** @internal */ _postStop(): void {
    try {
      this.postStop();
    } finally {
      this._runStopListeners();
    }
  }

  // ───────────────────────────── handlers ─────────────────────────────

  /** Installs the handler for an inlet or outlet (may be replaced at any time, e.g. to switch behaviour). */
  setHandler(port: Inlet<any>, handler: InHandler): void;
  setHandler(port: Outlet<any>, handler: OutHandler): void;
  setHandler(port: Inlet<any> | Outlet<any>, handler: InHandler | OutHandler): void {
    this.checkPort(port);
    if (port.isInlet) {
      this._inHandlers[port.index] = handler as InHandler;
      const c = this._inConns[port.index];
      if (c !== undefined) {
        c.inHandler = handler as InHandler;
        c.onPush = (handler as InHandler).onPush;
      }
    } else {
      this._outHandlers[port.index] = handler as OutHandler;
      const c = this._outConns[port.index];
      if (c !== undefined) {
        c.outHandler = handler as OutHandler;
        c.onPull = (handler as OutHandler).onPull;
      }
    }
  }

  /** Installs one object as the handler of both ports of a flow-like stage. */
  setHandlers(inlet: Inlet<any>, outlet: Outlet<any>, handler: InHandler & OutHandler): void {
    this.setHandler(inlet, handler);
    this.setHandler(outlet, handler);
  }

  getHandler(port: Inlet<any>): InHandler;
  getHandler(port: Outlet<any>): OutHandler;
  getHandler(port: Inlet<any> | Outlet<any>): InHandler | OutHandler {
    const h = port.isInlet ? this._inHandlers[port.index] : this._outHandlers[port.index];
    if (h === undefined) throw new IllegalStageUsageError(`No handler defined in stage ${this.stageName} for port ${port.name}`);
    return h;
  }

  private checkPort(port: Inlet<any> | Outlet<any>): void {
    const own = port.isInlet ? this._inlets[port.index] : this._outlets[port.index];
    if (own !== port) throw new IllegalStageUsageError(`Port ${port.name} does not belong to the shape of stage ${this.stageName}`);
  }

  private inConn(port: Inlet<any>, op: string): Connection {
    const c = this._inConns[port.index];
    if (c === undefined || this._inlets[port.index] !== port) throw this.unconnected(port, op);
    return c;
  }

  private outConn(port: Outlet<any>, op: string): Connection {
    const c = this._outConns[port.index];
    if (c === undefined || this._outlets[port.index] !== port) throw this.unconnected(port, op);
    return c;
  }

  private unconnected(port: Inlet<any> | Outlet<any>, op: string): Error {
    const own = port.isInlet ? this._inlets[port.index] : this._outlets[port.index];
    if (own !== port) return new IllegalStageUsageError(`${op}: port ${port.name} does not belong to the shape of stage ${this.stageName}`);
    return new IllegalStageUsageError(`${op}: port ${this.stageName}.${port.name} is not connected (stage not materialized yet?)`);
  }

  // ───────────────────────────── port operations ─────────────────────────────

  /** Sends an element downstream. Only allowed once per pull of `out`. */
  push<T>(out: Outlet<T>, elem: T): void {
    const c = this._outConns[out.index];
    if (c !== undefined) {
      const s = c.state;
      if ((s & (OutReady | OutClosed | InClosed)) === OutReady) {
        c.state = s ^ PushStartFlip;
        c.slot = elem;
        this._interpreter!.chasePush(c);
        return;
      }
    }
    this.outConn(out, 'push');
    this._interpreter!.push(c!, elem);
  }

  /** Asks upstream for one element. Only allowed when no element is pending and the port is open. */
  pull<T>(inlet: Inlet<T>): void {
    const c = this._inConns[inlet.index];
    if (c !== undefined) {
      const s = c.state;
      if ((s & (InReady | InClosed | OutClosed)) === InReady) {
        c.state = s ^ PullStartFlip;
        c.slot = Empty;
        this._interpreter!.chasePull(c);
        return;
      }
    }
    this.inConn(inlet, 'pull');
    this._interpreter!.pull(c!);
  }

  /** Pulls unless the port is closed (then does nothing). */
  tryPull<T>(inlet: Inlet<T>): void {
    // Fast path (an open inlet with nothing pending): `pull`'s own fast path, without the isClosed lookup.
    const c = this._inConns[inlet.index];
    if (c !== undefined) {
      const s = c.state;
      if ((s & (InReady | InClosed | OutClosed)) === InReady) {
        c.state = s ^ PullStartFlip;
        c.slot = Empty;
        this._interpreter!.chasePull(c);
        return;
      }
    }
    if (!this.isClosed(inlet)) this.pull(inlet);
  }

  /**
   * @internal The move of a fan-in junction, by port index: pushes the element waiting on inlet `i` to
   * outlet `o` and pulls inlet `i` again unless it is closed — `push(out, grab(in)); tryPull(in)` with
   * one lookup per port and no port objects touched. Returns false, doing nothing, when no element is
   * waiting on the inlet. Both ports must be connected; `o` must be available, as for `push`.
   */
  _forwardAndPull(i: number, o: number): boolean {
    const ci = this._inConns[i]!;
    const elem = ci.slot;
    if ((ci.state & InReady) === 0 || elem === Empty) return false;
    ci.slot = Empty;
    const it = this._interpreter!;
    const co = this._outConns[o]!;
    const so = co.state;
    if ((so & (OutReady | OutClosed | InClosed)) === OutReady) {
      co.state = so ^ PushStartFlip;
      co.slot = elem;
      it.chasePush(co);
    } else {
      it.push(co, elem);
    }
    const si = ci.state;
    if ((si & (InReady | InClosed | OutClosed)) === InReady) {
      ci.state = si ^ PullStartFlip;
      it.chasePull(ci);
    } else if ((si & InClosed) === 0) {
      it.pull(ci); // upstream completed and its completion is on its way: the pull is ignored
    }
    return true;
  }

  /** Takes the element that arrived on `inlet` (valid after `onPush`, until the next pull). */
  grab<T>(inlet: Inlet<T>): T {
    const c = this._inConns[inlet.index];
    if (c !== undefined) {
      const elem = c.slot;
      if ((c.state & InReady) !== 0 && elem !== Empty) {
        c.slot = Empty;
        return elem as T;
      }
    }
    this.inConn(inlet, 'grab');
    return this._interpreter!.grab(c!) as T;
  }

  /** Inlet: an element has arrived and not been grabbed. Outlet: downstream pulled and we may push. */
  isAvailable(port: Inlet<any> | Outlet<any>): boolean {
    if (port.isInlet) {
      const c = this._inConns[port.index];
      return c !== undefined && (c.state & InReady) !== 0 && c.slot !== Empty;
    }
    const c = this._outConns[port.index];
    return c !== undefined && (c.state & (OutReady | OutClosed)) === OutReady;
  }

  /** A pull was issued on `inlet` and its element has not arrived yet. */
  hasBeenPulled(inlet: Inlet<any>): boolean {
    const c = this.inConn(inlet, 'hasBeenPulled');
    return (c.state & (InReady | InClosed)) === 0;
  }

  /** Inlet: upstream completed/failed (and we were told) or we cancelled. Outlet: we completed/failed or downstream cancelled. */
  isClosed(port: Inlet<any> | Outlet<any>): boolean {
    if (port.isInlet) return (this.inConn(port, 'isClosed').state & InClosed) !== 0;
    return (this.outConn(port, 'isClosed').state & OutClosed) !== 0;
  }

  /** Completes `out` (after pending emissions on it, if any). */
  complete(out: Outlet<any>): void {
    const h = this._outHandlers[out.index];
    if (h instanceof Emitting) {
      h.queue.push(new FollowUp(() => this._interpreter!.complete(this.outConn(out, 'complete'))));
      return;
    }
    this._interpreter!.complete(this.outConn(out, 'complete'));
  }

  /** Fails `out` with `error`, dropping pending emissions. */
  fail(out: Outlet<any>, error: unknown): void {
    this._interpreter!.fail(this.outConn(out, 'fail'), error);
  }

  /** Tells upstream that no more elements are wanted on `inlet`. */
  cancel(inlet: Inlet<any>, cause: unknown = NoMoreElementsNeeded): void {
    this._interpreter!.cancel(this.inConn(inlet, 'cancel'), cause);
  }

  /** Completes all outlets (after pending emissions) and cancels all inlets: the stage stops. */
  completeStage(): void {
    this._keepGoing = false;
    for (let i = 0; i < this._outlets.length; i++) if (this._outConns[i] !== undefined) this.complete(this._outlets[i]!);
    for (let i = 0; i < this._inlets.length; i++) {
      const c = this._inConns[i];
      if (c !== undefined) this._interpreter!.cancel(c, StageWasCompleted);
    }
    if (this._openPorts === 0) this._interpreter?.checkFinalization(this);
  }

  /** Fails all outlets and cancels all inlets with `error`: the stage stops. */
  failStage(error: unknown): void {
    this._keepGoing = false;
    const it = this._interpreter;
    if (it === null) return;
    it.stageFailed(this, error);
    for (let i = 0; i < this._outConns.length; i++) {
      const c = this._outConns[i];
      if (c !== undefined) it.fail(c, error);
    }
    for (let i = 0; i < this._inConns.length; i++) {
      const c = this._inConns[i];
      if (c !== undefined) it.cancel(c, error);
    }
    if (this._openPorts === 0) it.checkFinalization(this);
  }

  /** Default reaction to downstream cancellation: complete if it needs no more elements, fail if it failed. */
  cancelStage(cause: unknown): void {
    if (cause instanceof NonFailureCancellation) this.completeStage();
    else this.failStage(cause);
  }

  /** Keeps the stage alive after all its ports closed (e.g. while a timer or a callback is pending). */
  setKeepGoing(enabled: boolean): void {
    this._keepGoing = enabled;
    if (!enabled && this._interpreter !== null) this._interpreter.checkFinalization(this);
  }

  // ───────────────────────────── emit ─────────────────────────────

  /** Pushes `elem` as soon as `out` is pulled (now, if it already is), then runs `andThen`. */
  emit<T>(out: Outlet<T>, elem: T, andThen?: () => void): void {
    const h = this._outHandlers[out.index];
    if (!(h instanceof Emitting) && this.isAvailable(out)) {
      this.push(out, elem);
      if (andThen !== undefined) andThen();
      return;
    }
    const e = this.emitting(out);
    e.queue.push(elem);
    if (andThen !== undefined) e.queue.push(new FollowUp(andThen));
  }

  /** Pushes each element as `out` is pulled, then runs `andThen`. The out handler is restored afterwards. */
  emitMultiple<T>(out: Outlet<T>, elems: Iterable<T>, andThen?: () => void): void {
    const arr = Array.isArray(elems) ? (elems as T[]) : [...elems];
    if (arr.length === 0) {
      if (andThen === undefined) return;
      const h = this._outHandlers[out.index];
      if (h instanceof Emitting) h.queue.push(new FollowUp(andThen));
      else andThen();
      return;
    }
    const h = this._outHandlers[out.index];
    let start = 0;
    if (!(h instanceof Emitting) && this.isAvailable(out)) {
      this.push(out, arr[0]!);
      start = 1;
      if (arr.length === 1) {
        if (andThen !== undefined) andThen();
        return;
      }
    }
    const e = this.emitting(out);
    for (let i = start; i < arr.length; i++) e.queue.push(arr[i]);
    if (andThen !== undefined) e.queue.push(new FollowUp(andThen));
  }

  private emitting(out: Outlet<any>): Emitting {
    const h = this._outHandlers[out.index];
    if (h instanceof Emitting) return h;
    const e = new Emitting(this, out, this.getHandler(out));
    this.setHandler(out, e);
    return e;
  }

  /** Abandons pending emissions on `out` and restores its handler. */
  abortEmitting(out: Outlet<any>): void {
    const h = this._outHandlers[out.index];
    if (h instanceof Emitting) this.setHandler(out, h.previous);
  }

  // ───────────────────────────── external input ─────────────────────────────

  /**
   * Returns a callback that code outside the stream (a promise, a timer, a socket) may call at any time;
   * `handler` then runs inside the stage's island, where it may use the port operations.
   */
  getAsyncCallback<T>(handler: (this: this, value: T) => void): AsyncCallback<T> {
    return new AsyncCallbackImpl<T>(this, handler as (this: GraphStageLogic, value: T) => void);
  }

  private stopListeners: (() => void)[] | null = null;

  /** @internal Runs `f` after postStop (used to settle pending feedback promises). */
  _onStop(f: () => void): void {
    (this.stopListeners ??= []).push(f);
  }

  /** @internal */ _runStopListeners(): void {
    const ls = this.stopListeners;
    if (ls === null) return;
    this.stopListeners = null;
    for (const f of ls) f();
  }
}
