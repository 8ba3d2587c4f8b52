/**
 * # GraphInterpreter — one fused island
 *
 * A materialized stream is split into *islands* (at `.async()` boundaries). Each island is executed by
 * one `GraphInterpreter`: a flat set of stage logics and the connections between them, driven by an
 * event loop made of plain method calls. This is Akka's GraphInterpreter, ported to a single-threaded
 * runtime.
 *
 * ## Lifecycle
 *
 *   created ──start()──▶ running ──(every stage stopped)──▶ finished
 *                           │
 *                           └──abort(err)──▶ finished   (materializer shutdown: postStop on all stages)
 *
 * `start()` does not run anything synchronously: it asks the executor to schedule the island, and the
 * first batch calls `preStart()` of every logic in order. This keeps `run()` free of re-entrancy: the
 * caller always gets the materialized value before a single element flows.
 *
 * Each logic is *running* from its `preStart` until all its ports are closed (and it does not ask to
 * keep going); then it is *finalized*: `postStop()` runs exactly once. When no logic is running the
 * island is finished and reports to the materializer.
 *
 * ## The connection table
 *
 * Every edge of the island is a `Connection` object that knows both owners, both handlers, a one-element
 * `slot` and a small integer `state`. Logics find their connections by port index (`_inConns[i]`,
 * `_outConns[i]`), so `push(out, x)` is: read state, flip bits, store x in the slot, hand the connection
 * to the event loop. Nothing is allocated per element. A connection also holds its handlers' `onPush` and
 * `onPull` (refreshed by every `setHandler`), so delivering an event is a load from this one-shaped
 * object and a call, never a megamorphic lookup on handlers of a dozen classes.
 *
 * ## Port state bits
 *
 *   InReady   = 0000001   the inlet side may pull (and owns a grabbed element, if any)
 *   Pulling   = 0000010   a pull is on its way upstream
 *   Pushing   = 0000100   an element is on its way downstream (in `slot`)
 *   OutReady  = 0001000   the outlet side has been pulled and may push
 *   InClosed  = 0010000   the inlet side cancelled (or has been told of completion)
 *   OutClosed = 0100000   the outlet side completed/failed (or has been told of cancellation)
 *   InFailed  = 1000000   the closing of the outlet side was a failure (error in `error`)
 *
 * A healthy connection cycles through InReady ─pull▶ Pulling ─deliver▶ OutReady ─push▶ Pushing
 * ─deliver▶ InReady. Each arrow is one XOR with a "flip" constant, so the hot path is a handful of
 * integer operations. Closing bits are sticky; an event whose delivery finds a closing bit becomes a
 * completion/failure/cancellation delivery instead (a push that was already on its way is still
 * delivered before the completion that followed it).
 *
 * ## The event queue and event chasing
 *
 * `push`/`pull` do not call the other stage directly (that would recurse without bound); they enqueue
 * the connection in a ring buffer, and the loop delivers events one by one. As an optimisation the
 * loop *chases* events: if a handler performs exactly one push or pull, that connection is kept in a
 * register and delivered right after the handler returns, skipping the queue. Linear chains therefore
 * run as a tight sequence of handler calls. Chasing is capped (`ChaseLimit`) to stay fair to other
 * paths in the island.
 *
 * ## Bounded batches
 *
 * `runBatch()` processes at most `eventLimit` events, then reschedules itself through the executor,
 * which yields to the event loop when enough work has been done. A hot island cannot starve I/O.
 *
 * ## External input
 *
 * The only way into a running island from outside is `invokeAsync` (behind
 * `GraphStageLogic.getAsyncCallback`): the call is queued and the island scheduled; the handler later
 * runs inside the island like any other event.
 *
 * ## Observability
 *
 * `Materializer.snapshot()` and stall detection (impl/StreamSnapshot.ts) read this bookkeeping on
 * demand; the hot path pays for exactly one thing: `Connection.pushes`, incremented where a push is
 * delivered (an object the delivery touches anyway). `eventsTotal` is added up once per batch. The
 * `hooks` (one `RunningStream` per materialized stream, shared by its islands) are called on the
 * failure path only: `stageFailed` (from `failStage`) lets the stream find where an error started and
 * log a failure that reaches a sink once; `onPostStopError` reports a throwing `postStop`.
 */
import type { Executor, Runnable } from './Executor.js';

export const InReady = 1;
export const Pulling = 2;
export const Pushing = 4;
export const OutReady = 8;
export const InClosed = 16;
export const OutClosed = 32;
export const InFailed = 64;

export const PullStartFlip = InReady | Pulling; // InReady → Pulling
export const PullEndFlip = Pulling | OutReady; // Pulling → OutReady
export const PushStartFlip = Pushing | OutReady; // OutReady → Pushing
export const PushEndFlip = InReady | Pushing; // Pushing → InReady

/** Marks an empty slot (elements themselves may be any value, including `undefined`). */
export const Empty: unique symbol = Symbol('Empty');

const ChaseLimit = 64;

export interface InHandler {
  onPush(): void;
  onUpstreamFinish?(): void;
  onUpstreamFailure?(error: unknown): void;
}

export interface OutHandler {
  onPull(): void;
  onDownstreamFinish?(cause: unknown): void;
}

export interface PortLike {
  readonly name: string;
}

/** What the interpreter needs of a stage logic (implemented by `GraphStageLogic`). */
export interface InterpreterLogic {
  _stageId: number;
  _interpreter: GraphInterpreter | null;
  /** Ports of this logic not yet closed from this logic's side. */
  _openPorts: number;
  _keepGoing: boolean;
  /** `Created`, `Running` or `Finished` (finalized: postStop has run). */
  _phase: number;
  readonly _inConns: (Connection | undefined)[];
  readonly _outConns: (Connection | undefined)[];
  readonly _inHandlers: (InHandler | undefined)[];
  readonly _outHandlers: (OutHandler | undefined)[];
  readonly _inlets: readonly PortLike[];
  readonly _outlets: readonly PortLike[];
  readonly stageName: string;
  /**
   * Sinks whose failure goes to someone other than a materialized promise (a pending `next()` or
   * `pull()`, a subscriber, a callback) say here whether it did: such a failure is not logged.
   */
  _failureObserved?(): boolean;
  _preStart(): void;
  _postStop(): void;
  completeStage(): void;
  failStage(error: unknown): void;
  cancelStage(cause: unknown): void;
}

export class Connection {
  state = InReady;
  slot: unknown = Empty;
  /** The failure travelling downstream (valid when InFailed is set). */
  error: unknown = undefined;
  /** The cause of cancellation travelling upstream (valid when InClosed is set). */
  cause: unknown = undefined;
  /**
   * Elements delivered over this connection so far (read by `Materializer.snapshot()` and stall
   * detection). One integer increment on an object the delivery touches anyway: the only per-element
   * cost of observability.
   */
  pushes = 0;
  /**
   * `inHandler.onPush` and `outHandler.onPull`, read once when the handler is set (`setHandler`), so
   * the hot loop's dispatch is a load from this one-shaped object and a call, not a megamorphic
   * property lookup on handlers of every class in the stream.
   */
  onPush: () => void;
  onPull: () => void;

  constructor(
    readonly id: number,
    readonly outOwner: InterpreterLogic,
    readonly outPort: number,
    readonly inOwner: InterpreterLogic,
    readonly inPort: number,
    public inHandler: InHandler,
    public outHandler: OutHandler,
  ) {
    this.onPush = inHandler.onPush;
    this.onPull = outHandler.onPull;
  }

  get outName(): string {
    return `${this.outOwner.stageName}.${this.outOwner._outlets[this.outPort]!.name}`;
  }

  get inName(): string {
    return `${this.inOwner.stageName}.${this.inOwner._inlets[this.inPort]!.name}`;
  }
}

/** Cancellation causes that are not failures: the stage simply needs no more elements. */
export class NonFailureCancellation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NonFailureCancellation';
  }
}
/** Cancellation cause used when a downstream cancels because it needs no more elements. */
export const NoMoreElementsNeeded = new NonFailureCancellation('No more elements needed');
/** Cancellation cause used when a stage cancels its inputs because it completed. */
export const StageWasCompleted = new NonFailureCancellation('Stage was completed');

/** Raised to stages that are stopped from outside, e.g. by `Materializer.shutdown()`. */
export class AbruptTerminationException extends Error {
  constructor(message = 'Stream was terminated abruptly (its materializer was shut down)') {
    super(message);
    this.name = 'AbruptTerminationException';
  }
}

export class IllegalStageUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IllegalStageUsageError';
  }
}

export interface InterpreterHooks {
  /** Called once when every stage of the island has stopped (or the island was aborted). */
  onFinished(interpreter: GraphInterpreter): void;
  /**
   * Called when a stage fails — `failStage(error)`, or an exception escaping one of its handlers —
   * before the failure travels on. Failure path only; used to find where an error originated and to
   * log failures that nobody handled.
   */
  onStageFailed?(logic: InterpreterLogic, error: unknown): void;
  /** Called when a stage's postStop throws (the stage is stopped anyway). */
  onPostStopError?(logic: InterpreterLogic, error: unknown): void;
}

/** Called with the logic as `this` (arrow functions ignore it). */
type AsyncHandler = (this: InterpreterLogic, value: unknown) => void;

/**
 * Phases, shared by the interpreter (`phase`) and every logic (`InterpreterLogic._phase`); declared
 * here only (GraphStageLogic imports them). A logic is Created until its preStart, Running until its
 * postStop, then Finished (finalized); the interpreter is Created until `start()`, Finished once every
 * logic stopped or it was aborted.
 */
export const Created = 0;
export const Running = 1;
export const Finished = 2;

export class GraphInterpreter implements Runnable {
  _scheduled = false;
  /** Events (deliveries and external inputs) processed so far; added up once per batch, for stall detection. */
  eventsTotal = 0;
  /** Logics not yet finalized (a substream's logics leave when they stop, so long runs do not accumulate them). */
  readonly live = new Set<InterpreterLogic>();
  /** Logics added since the island started, waiting for their preStart. */
  private pendingStart: InterpreterLogic[] = [];
  private connectionCount = 0;

  // Ring buffer of connections with pending events. head = next to deliver, tail = next free slot.
  private queue: (Connection | undefined)[] = new Array<Connection | undefined>(16);
  private mask = 15;
  private head = 0;
  private tail = 0;

  private chasedPush: Connection | null = null;
  private chasedPull: Connection | null = null;
  private chaseCounter = 0;

  /** The logic whose handler is running (or ran last); exceptions are attributed to it. */
  activeStage: InterpreterLogic | null = null;
  private runningStages = 0;
  /** Logics whose last port just closed; finalized after the handler that closed it returns. */
  private closedStages: InterpreterLogic[] = [];
  private phase = Created;
  private inBatch = false;

  // Pending external inputs, as flat (logic, handler, value) triples.
  private asyncInputs: unknown[] = [];

  constructor(
    private readonly executor: Executor,
    private readonly eventLimit: number,
    readonly hooks: InterpreterHooks,
  ) {}

  get isFinished(): boolean {
    return this.phase === Finished;
  }

  // ───────────────────────────── building ─────────────────────────────

  addLogic(logic: InterpreterLogic): void {
    if (logic._interpreter !== null) {
      throw new IllegalStageUsageError(`Stage logic ${logic.stageName} is already part of a running stream; create a new logic per materialization`);
    }
    logic._stageId = this.stageIds++;
    logic._interpreter = this;
    logic._openPorts = logic._inlets.length + logic._outlets.length;
    this.live.add(logic);
    this.pendingStart.push(logic);
    this.runningStages++;
  }

  connect(outLogic: InterpreterLogic, outPort: number, inLogic: InterpreterLogic, inPort: number): Connection {
    const outHandler = outLogic._outHandlers[outPort];
    const inHandler = inLogic._inHandlers[inPort];
    if (outHandler === undefined) {
      throw new IllegalStageUsageError(`No handler defined in stage ${outLogic.stageName} for port ${outLogic._outlets[outPort]?.name}`);
    }
    if (inHandler === undefined) {
      throw new IllegalStageUsageError(`No handler defined in stage ${inLogic.stageName} for port ${inLogic._inlets[inPort]?.name}`);
    }
    const c = new Connection(this.connectionCount++, outLogic, outPort, inLogic, inPort, inHandler, outHandler);
    outLogic._outConns[outPort] = c;
    inLogic._inConns[inPort] = c;
    if (this.connectionCount > this.mask) this.growQueue();
    return c;
  }

  /** Schedules the first batch, which runs every `preStart`. */
  start(): void {
    if (this.phase !== Created) return;
    this.phase = Running;
    this.executor.schedule(this);
  }

  // ───────────────────────────── running ─────────────────────────────

  private initialized = false;
  private stageIds = 0;

  private init(): void {
    this.initialized = true;
    this.startPending();
  }

  /**
   * Runs preStart of logics added since the last call. Used at start-up and by sub-fusing
   * materialization (substreams materialized into this running island from inside a handler).
   */
  startPending(): void {
    if (!this.initialized) return; // the first batch will start them
    const logics = this.pendingStart;
    this.pendingStart = [];
    const previous = this.activeStage;
    for (let i = 0; i < logics.length; i++) this.startLogic(logics[i]!);
    this.activeStage = previous;
  }

  /**
   * Drops the logics added since the last `startPending` without starting them (a sub-fusing
   * materialization failed half-way): each still gets its postStop, so nothing it created leaks.
   */
  discardPending(): void {
    const logics = this.pendingStart;
    this.pendingStart = [];
    for (const logic of logics) {
      if (logic._phase === Finished) continue;
      logic._phase = Finished;
      this.runningStages--;
      this.live.delete(logic);
      try {
        logic._postStop();
      } catch (e) {
        this.hooks.onPostStopError?.(logic, e);
      }
    }
  }

  get isInitialized(): boolean {
    return this.initialized;
  }

  private startLogic(logic: InterpreterLogic): void {
    if (logic._phase !== Created) return;
    logic._phase = Running;
    this.activeStage = logic;
    try {
      logic._preStart();
    } catch (e) {
      this.reportStageError(e);
    }
    this.afterStageHasRun(logic);
    if (this.closedStages.length !== 0) this.finalizeClosedStages();
  }

  runBatch(): number {
    if (this.phase !== Running) return 0;
    this.inBatch = true;
    let events = 0;
    try {
      if (!this.initialized) this.init();
      const budget = this.eventLimit;
      do {
        if (this.asyncInputs.length !== 0) events += this.runAsyncInputs();
        events += this.execute(budget - events);
      } while (events < budget && this.asyncInputs.length !== 0);
    } finally {
      this.inBatch = false;
      this.activeStage = null;
    }
    if (this.runningStages === 0) this.finish();
    else if (this.head !== this.tail || this.asyncInputs.length !== 0) this.executor.schedule(this);
    this.eventsTotal += events;
    return events;
  }

  /**
   * Runs the external inputs queued so far. Inputs queued while these run (a handler that re-invokes a
   * callback, say) wait for the next round, so one batch can never loop on its own inputs.
   */
  private runAsyncInputs(): number {
    const inputs = this.asyncInputs;
    this.asyncInputs = [];
    for (let i = 0; i < inputs.length; i += 3) {
      const logic = inputs[i] as InterpreterLogic;
      if (logic._phase !== Running) continue; // stage already stopped: the input has nobody to go to
      this.activeStage = logic;
      try {
        (inputs[i + 1] as AsyncHandler).call(logic, inputs[i + 2]);
      } catch (e) {
        this.reportStageError(e);
      }
      if (this.closedStages.length !== 0) this.finalizeClosedStages();
    }
    return inputs.length / 3;
  }

  /** Queues an external input for `logic`; it runs inside the island, never re-entrantly. */
  invokeAsync(logic: InterpreterLogic, handler: AsyncHandler, value: unknown): void {
    if (this.phase === Finished) return;
    this.asyncInputs.push(logic, handler, value);
    if (this.phase === Running && !this.inBatch) this.executor.schedule(this);
  }

  /** Events left in the current batch. */
  private remaining = 0;

  /** Delivers up to `limit` events; returns the number delivered. */
  private execute(limit: number): number {
    this.remaining = limit;
    for (;;) {
      try {
        this.eventLoop();
        break;
      } catch (e) {
        // A handler threw: the stage that ran it fails; the loop goes on with the other stages.
        this.reportStageError(e);
        if (this.closedStages.length !== 0) this.finalizeClosedStages();
      }
    }
    // Outside this loop nobody delivers chased events: later pushes/pulls must go through the queue.
    this.chaseCounter = 0;
    return limit - this.remaining;
  }

  /**
   * The hot loop. Chased events (the one push or pull the last handler made) are delivered first,
   * inline; otherwise the next event comes from the queue. Kept free of try/catch and allocation.
   */
  private eventLoop(): void {
    for (;;) {
      let c = this.chasedPush;
      if (c !== null) {
        this.chasedPush = null;
        this.remaining--;
        this.activeStage = c.inOwner;
        c.state ^= PushEndFlip;
        c.pushes++;
        c.onPush.call(c.inHandler);
      } else if ((c = this.chasedPull) !== null) {
        this.chasedPull = null;
        this.remaining--;
        this.activeStage = c.outOwner;
        c.state ^= PullEndFlip;
        c.onPull.call(c.outHandler);
      } else {
        const remaining = this.remaining;
        if (remaining <= 0 || this.head === this.tail) return;
        c = this.queue[this.head]!;
        this.queue[this.head] = undefined;
        this.head = (this.head + 1) & this.mask;
        this.remaining = remaining - 1;
        this.chaseCounter = Math.min(remaining - 1, ChaseLimit);
        this.processEvent(c);
      }
      if (this.closedStages.length !== 0) this.finalizeClosedStages();
    }
  }

  private processEvent(c: Connection): void {
    const code = c.state;
    if ((code & (Pushing | InClosed | OutClosed)) === Pushing) {
      this.processPush(c);
    } else if ((code & (Pulling | OutClosed | InClosed)) === Pulling) {
      this.processPull(c);
    } else if ((code & (OutClosed | InClosed)) === InClosed) {
      // Cancellation travels upstream.
      const logic = c.outOwner;
      this.activeStage = logic;
      c.state = code | OutClosed;
      c.slot = Empty;
      if (--logic._openPorts === 0) this.closedStages.push(logic);
      const h = c.outHandler;
      if (h.onDownstreamFinish !== undefined) h.onDownstreamFinish(c.cause);
      else logic.cancelStage(c.cause);
    } else if ((code & (OutClosed | InClosed)) === OutClosed) {
      if ((code & Pushing) === 0) {
        // Completion or failure travels downstream.
        const logic = c.inOwner;
        this.activeStage = logic;
        c.state = code | InClosed;
        if (--logic._openPorts === 0) this.closedStages.push(logic);
        const h = c.inHandler;
        if ((code & InFailed) === 0) {
          if (h.onUpstreamFinish !== undefined) h.onUpstreamFinish();
          else logic.completeStage();
        } else if (h.onUpstreamFailure !== undefined) {
          h.onUpstreamFailure(c.error);
        } else {
          logic.failStage(c.error);
        }
      } else {
        // An element pushed before completing is delivered first; the completion follows.
        this.processPush(c);
        this.enqueue(c);
      }
    }
    // Otherwise both sides are already closed: a stale event, nothing to deliver.
  }

  private processPush(c: Connection): void {
    this.activeStage = c.inOwner;
    c.state ^= PushEndFlip;
    c.pushes++;
    c.onPush.call(c.inHandler);
  }

  private processPull(c: Connection): void {
    this.activeStage = c.outOwner;
    c.state ^= PullEndFlip;
    c.onPull.call(c.outHandler);
  }

  private enqueue(c: Connection): void {
    this.queue[this.tail] = c;
    this.tail = (this.tail + 1) & this.mask;
    if (this.tail === this.head) this.growQueue(true);
    if (!this.inBatch && this.phase === Running) this.executor.schedule(this);
  }

  private growQueue(full = false): void {
    const old = this.queue;
    const oldSize = this.mask + 1;
    const size = oldSize * 2;
    const q = new Array<Connection | undefined>(size);
    let n = 0;
    if (full) {
      // head === tail: the buffer holds oldSize entries starting at head.
      for (let i = 0; i < oldSize; i++) q[n++] = old[(this.head + i) & this.mask];
    } else {
      for (let i = this.head; i !== this.tail; i = (i + 1) & this.mask) q[n++] = old[i];
    }
    this.queue = q;
    this.mask = size - 1;
    this.head = 0;
    this.tail = n;
  }

  private reportStageError(e: unknown): void {
    const logic = this.activeStage;
    if (logic === null || logic._phase !== Running) return;
    try {
      logic.failStage(e);
    } catch {
      // failing a stage must not fail the interpreter
    }
  }

  /** Finalizes `logic` if all its ports are closed and it does not keep going (used by setKeepGoing(false)). */
  afterStageHasRun(logic: InterpreterLogic | null): void {
    if (logic !== null && logic._openPorts === 0 && !logic._keepGoing && logic._phase === Running) this.finalizeStage(logic);
  }

  /** Re-checks `logic` for finalization once the current handler returns (e.g. after keep-going ends). */
  checkFinalization(logic: InterpreterLogic): void {
    if (logic._openPorts === 0 && logic._phase === Running) {
      this.closedStages.push(logic);
      if (!this.inBatch) this.finalizeClosedStages();
    }
  }

  /** Finalizes the stages whose last port closed during the handler that just ran. */
  private finalizeClosedStages(): void {
    const closed = this.closedStages;
    this.closedStages = [];
    for (let i = 0; i < closed.length; i++) this.afterStageHasRun(closed[i]!);
  }

  private finalizeStage(logic: InterpreterLogic): void {
    logic._phase = Finished;
    this.runningStages--;
    this.live.delete(logic);
    try {
      logic._postStop();
    } catch (e) {
      this.hooks.onPostStopError?.(logic, e);
    }
  }

  /** Called by `GraphStageLogic.failStage` (failure path only): lets the hooks see where errors start and end. */
  stageFailed(logic: InterpreterLogic, error: unknown): void {
    this.hooks.onStageFailed?.(logic, error);
  }

  private finish(): void {
    if (this.phase === Finished) return;
    this.phase = Finished;
    this.asyncInputs = [];
    this.hooks.onFinished(this);
  }

  /** Stops every stage that is still running (postStop runs once for each) and finishes the island. */
  abort(): void {
    if (this.phase === Finished) return;
    // Stages that have not had their preStart yet get it first (as Akka initializes an interpreter
    // before aborting it): a stage never sees postStop without preStart, and what preStart opens,
    // postStop closes.
    if (this.phase === Running && this.pendingStart.length !== 0) {
      this.initialized = true;
      this.inBatch = true;
      try {
        this.startPending();
      } finally {
        this.inBatch = false;
      }
    }
    this.phase = Finished;
    this.head = this.tail = 0;
    this.chasedPull = this.chasedPush = null;
    const live = [...this.live];
    this.live.clear();
    for (const logic of live) {
      if (logic._phase === Finished) continue;
      const started = logic._phase === Running;
      logic._phase = Finished;
      this.runningStages--;
      if (!started) continue; // never started (its materialization failed): nothing to stop
      try {
        logic._postStop();
      } catch (e) {
        this.hooks.onPostStopError?.(logic, e);
      }
    }
    this.asyncInputs = [];
    this.hooks.onFinished(this);
  }

  // ───────────────────────────── port operations ─────────────────────────────
  // Called by GraphStageLogic. Fast paths first; error details only on the slow path.

  push(c: Connection, elem: unknown): void {
    const s = c.state;
    if ((s & (OutReady | OutClosed | InClosed)) === OutReady) {
      c.state = s ^ PushStartFlip;
      c.slot = elem;
      this.chasePush(c);
    } else if ((s & OutClosed) !== 0) {
      throw new IllegalStageUsageError(`Cannot push closed port ${c.outName}`);
    } else if ((s & OutReady) === 0) {
      throw new IllegalStageUsageError(`Cannot push port ${c.outName} twice, or before it being pulled`);
    } else {
      // Downstream already cancelled, it just has not been told yet: the element is not needed.
      c.state = s ^ PushStartFlip;
    }
  }

  pull(c: Connection): void {
    const s = c.state;
    if ((s & (InReady | InClosed | OutClosed)) === InReady) {
      c.state = s ^ PullStartFlip;
      this.chasePull(c);
    } else if ((s & InClosed) !== 0) {
      throw new IllegalStageUsageError(`Cannot pull closed port ${c.inName}`);
    } else if ((s & InReady) === 0) {
      throw new IllegalStageUsageError(`Cannot pull port ${c.inName} twice`);
    }
    // else: upstream completed and the completion is on its way; the pull is simply ignored.
    c.slot = Empty;
  }

  grab(c: Connection): unknown {
    const elem = c.slot;
    if ((c.state & InReady) !== 0 && elem !== Empty) {
      c.slot = Empty;
      return elem;
    }
    throw new IllegalStageUsageError(`Cannot grab element from port ${c.inName} when data have not yet arrived`);
  }

  chasePush(c: Connection): void {
    if (this.chaseCounter > 0 && this.chasedPush === null) {
      this.chaseCounter--;
      this.chasedPush = c;
    } else {
      this.enqueue(c);
    }
  }

  chasePull(c: Connection): void {
    if (this.chaseCounter > 0 && this.chasedPull === null) {
      this.chaseCounter--;
      this.chasedPull = c;
    } else {
      this.enqueue(c);
    }
  }

  complete(c: Connection): void {
    const s = c.state;
    if ((s & OutClosed) !== 0) return;
    c.state = s | OutClosed;
    const owner = c.outOwner;
    if (--owner._openPorts === 0) this.closedStages.push(owner);
    if (this.chasedPush === c) {
      // Push-then-complete cannot be chased: deliver it as an ordinary event (push, then completion).
      this.chasedPush = null;
      this.enqueue(c);
    } else if ((s & (InClosed | Pushing | Pulling)) === 0) {
      this.enqueue(c);
    }
  }

  fail(c: Connection, error: unknown): void {
    const s = c.state;
    if ((s & OutClosed) !== 0) return;
    c.state = s | OutClosed | InFailed;
    c.error = error;
    const owner = c.outOwner;
    if (--owner._openPorts === 0) this.closedStages.push(owner);
    if (this.chasedPush === c) {
      this.chasedPush = null;
      this.enqueue(c);
    } else if ((s & (InClosed | Pushing | Pulling)) === 0) {
      this.enqueue(c);
    }
  }

  cancel(c: Connection, cause: unknown): void {
    const s = c.state;
    if ((s & InClosed) !== 0) return;
    c.state = s | InClosed;
    const owner = c.inOwner;
    if (--owner._openPorts === 0) this.closedStages.push(owner);
    if ((s & OutClosed) !== 0) return; // upstream already closed: nobody to tell
    c.cause = cause;
    c.slot = Empty;
    if (this.chasedPull === c) {
      // Pull-then-cancel cannot be chased: deliver it as an ordinary event (it becomes a cancellation).
      this.chasedPull = null;
      this.enqueue(c);
    } else if ((s & (Pulling | Pushing)) === 0) {
      this.enqueue(c);
    }
  }
}
