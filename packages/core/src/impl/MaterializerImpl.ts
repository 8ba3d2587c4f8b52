/**
 * Walks a blueprint once, creating fresh stage logics, wiring them into islands and computing the
 * materialized value. Modules marked as async boundaries get their own island; every edge that crosses
 * islands gets a pair of boundary logics with a bounded buffer between them.
 */

import { type Cancellable, type Scheduler, SystemScheduler } from '../Scheduler.js';
import type { DetailedStreamSnapshot } from './DetailedStreamSnapshot.js';
import { Executor } from './Executor.js';
import { GraphInterpreter, type InterpreterLogic } from './GraphInterpreter.js';
import type { AttributesLike, MaterializingLogic, Module } from './Module.js';
import { type FailureDetails, type FailureLogger, RunningStream } from './RunningStream.js';
import type { StallReport, StreamSnapshot } from './StreamSnapshot.js';

export type { FailureDetails, FailureLogger };

export interface MaterializerSettings {
  /** Timer service used by every stage of every stream of this materializer. */
  readonly scheduler?: Scheduler;
  /** Events one island delivers before it lets other islands run (default 1000). */
  readonly syncProcessingLimit?: number;
  /** Events processed before the Node event loop gets a turn (default 10000). */
  readonly yieldAfterEvents?: number;
  /**
   * Where failures nobody observed are reported — once per stream, naming the stage where the error
   * started — and errors thrown by `postStop`. A failure is observed when the program awaits or
   * catches the failed sink's materialized promise (or a `for await` loop, a `Sink.queue` pull, a
   * subscriber receives it); see docs/failure-handling.md. `null` silences them. Default: `console.error`.
   */
  readonly logger?: FailureLogger | null;
  /**
   * Opt-in stall detection: when a running stream makes no progress (no element delivered, no port
   * closed) for `afterMs` milliseconds (measured on the materializer's scheduler), `onStall` is called
   * once with a report naming the stage that holds the stream up; it is called again only after the
   * stream made progress and stalled anew. Default `onStall`: a `console.warn` line (nothing if
   * `logger` is `null`).
   */
  readonly stallDetection?: StallDetectionSettings;
}

export interface StallDetectionSettings {
  readonly afterMs: number;
  readonly onStall?: (report: StallReport) => void;
}

export interface BoundaryPair {
  readonly upstream: InterpreterLogic;
  readonly downstream: InterpreterLogic;
}
export type BoundaryFactory = (bufferSize: number) => BoundaryPair;

export interface Slot {
  readonly logic: InterpreterLogic;
  readonly port: number;
  readonly island: GraphInterpreter;
}

interface Materialized {
  readonly ins: Slot[];
  readonly outs: Slot[];
  readonly value: unknown;
}

export class MaterializerShutdownError extends Error {
  constructor() {
    super('This materializer has been shut down; it cannot run streams any more');
    this.name = 'MaterializerShutdownError';
  }
}

export class MaterializerImpl {
  readonly scheduler: Scheduler;
  private readonly executor: Executor;
  private readonly eventLimit: number;
  private readonly running = new Set<GraphInterpreter>();
  private readonly streams = new Set<RunningStream>();
  private streamIds = 0;
  /** The stream (and whether it is a sub-fused part of it) that the walk in progress adds stages to. */
  private building: { readonly stream: RunningStream; readonly nested: boolean } | null = null;
  private shutdownFlag = false;
  readonly logger: FailureLogger | null;
  private readonly stallAfterMs: number;
  private readonly onStall: ((report: StallReport) => void) | null;
  private stallTimer: Cancellable | null = null;
  private readonly finishedListeners = new Set<(snapshot: DetailedStreamSnapshot) => void>();

  constructor(
    settings: MaterializerSettings,
    private readonly boundaryFactory: BoundaryFactory,
    protected readonly rootAttributes: AttributesLike,
  ) {
    this.scheduler = settings.scheduler ?? new SystemScheduler();
    const limit = settings.syncProcessingLimit ?? 1000;
    const yieldAfter = settings.yieldAfterEvents ?? 10000;
    if (!Number.isInteger(limit) || limit <= 0) throw new RangeError(`Materializer: syncProcessingLimit must be a positive integer, got ${limit}`);
    if (!Number.isInteger(yieldAfter) || yieldAfter <= 0) throw new RangeError(`Materializer: yieldAfterEvents must be a positive integer, got ${yieldAfter}`);
    this.eventLimit = limit;
    this.executor = new Executor(yieldAfter);
    this.logger = settings.logger === undefined ? defaultLogger : settings.logger;
    const stall = settings.stallDetection;
    if (stall === undefined) {
      this.stallAfterMs = 0;
      this.onStall = null;
    } else {
      const ms = stall?.afterMs;
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) {
        throw new RangeError(`Materializer: stallDetection.afterMs must be a positive finite number of milliseconds, got ${String(ms)}`);
      }
      if (stall.onStall !== undefined && typeof stall.onStall !== 'function') throw new TypeError('Materializer: stallDetection.onStall must be a function');
      this.stallAfterMs = ms;
      const logger = this.logger;
      this.onStall = stall.onStall ?? (logger === null ? () => {} : (r) => console.warn(`[tributary] ${r.message}`));
    }
  }

  get isShutdown(): boolean {
    return this.shutdownFlag;
  }

  /** Number of islands currently running (a stream without async boundaries is one island). */
  get runningIslands(): number {
    return this.running.size;
  }

  /**
   * Whether every stream of this materializer is waiting: no island has work queued or running, so
   * nothing happens until an outside event wakes one (a promise a stage awaits settles, a timer fires,
   * I/O arrives, a test probe requests or sends). The testkit's `settle()` and
   * `expectNoMessageWhenIdle()` wait for this instead of a real-time window.
   */
  get isIdle(): boolean {
    return this.executor.idle;
  }

  /**
   * How many times this materializer has run its ready islands so far (each time one or more island
   * batches). A counter for observers: two equal readings mean no island ran in between.
   */
  get runCount(): number {
    return this.executor.drains;
  }

  /**
   * Stops every stream of this materializer: every stage's postStop runs; pending results reject.
   * Streams run on it afterwards stop as soon as they start (see `materializeModule`).
   */
  shutdown(): void {
    if (this.shutdownFlag) return;
    this.shutdownFlag = true;
    for (const island of [...this.running]) island.abort();
    this.stallTimer?.cancel();
    this.stallTimer = null;
  }

  /**
   * What every running stream of this materializer is doing right now: each stage with its name, its
   * state (waiting for demand / waiting for element / completed) and the elements it took in and
   * pushed out so far, plus every connection. Cheap enough to call from a health endpoint.
   */
  snapshot(): StreamSnapshot[] {
    const out: StreamSnapshot[] = [];
    for (const s of this.streams) out.push(s.snapshot());
    return out;
  }

  /**
   * `snapshot()` with what a tool drawing the streams needs: a stable `id` per stage, the stage ids at
   * both ends of every connection, failures with the stage where they started, async-boundary buffer
   * fill, restart counts, and the stage holding each stream up right now (`holdUp`). Computed on demand
   * only, like `snapshot()`.
   */
  detailedSnapshot(): DetailedStreamSnapshot[] {
    const out: DetailedStreamSnapshot[] = [];
    for (const s of this.streams) out.push(s.detailedSnapshot());
    return out;
  }

  /**
   * Calls `listener` with the final detailed snapshot of every stream of this materializer that ends
   * from now on (completed, failed or cancelled; `finished: true`, failed stages carry their `failure`).
   * Returns a function that removes the listener. A listener that throws is logged and kept. Without
   * listeners, a stream's end costs nothing extra.
   */
  onStreamFinished(listener: (snapshot: DetailedStreamSnapshot) => void): () => void {
    if (typeof listener !== 'function')
      throw new TypeError(`Materializer.onStreamFinished: expected a function, got ${listener === null ? 'null' : typeof listener}`);
    const entry = (snapshot: DetailedStreamSnapshot): void => listener(snapshot);
    this.finishedListeners.add(entry);
    return () => {
      this.finishedListeners.delete(entry);
    };
  }

  /** @internal Called by a stream when one of its islands finished. */
  _streamIslandFinished(stream: RunningStream, island: GraphInterpreter): void {
    this.running.delete(island);
    if (stream.islands.size === 0) {
      this.streams.delete(stream);
      if (this.finishedListeners.size !== 0) {
        const final = stream.detailedSnapshot();
        for (const listener of [...this.finishedListeners]) {
          try {
            listener(final);
          } catch (e) {
            this.logger?.('onStreamFinished: a listener threw', e);
          }
        }
      }
      if (this.streams.size === 0 && this.stallTimer !== null) {
        this.stallTimer.cancel();
        this.stallTimer = null;
      }
    }
  }

  private newStream(): RunningStream {
    const stream = new RunningStream(++this.streamIds, this);
    this.streams.add(stream);
    this.armStallCheck();
    return stream;
  }

  private armStallCheck(): void {
    if (this.onStall === null || this.stallTimer !== null || this.shutdownFlag) return;
    this.stallTimer = this.scheduler.scheduleOnce(this.stallAfterMs / 2, this.checkStalls);
  }

  private readonly checkStalls = (): void => {
    this.stallTimer = null;
    if (this.streams.size === 0) return;
    const now = this.scheduler.now();
    for (const s of [...this.streams]) {
      const report = s.checkStall(now, this.stallAfterMs);
      if (report !== undefined) {
        try {
          this.onStall!(report);
        } catch (e) {
          this.logger?.('stall detection: onStall threw', e);
        }
      }
    }
    this.armStallCheck();
  };

  /**
   * Materializes a closed blueprint and starts it; returns its materialized value. On a materializer
   * that was shut down the stream is stopped right after it started, exactly as if `shutdown()` came
   * just after `run()`: every stage that started gets its `postStop`, and the materialized value
   * reports the stop the way it reports any abrupt termination (a sink's promise rejects with
   * `AbruptTerminationException`, a probe sees the error). A program that awaits the result learns
   * it there, instead of `run()` throwing where it may not expect an exception.
   */
  materializeModule(module: Module): unknown {
    const islands: GraphInterpreter[] = [];
    const previous = this.building;
    this.building = { stream: this.newStream(), nested: false };
    try {
      const root = this.newIsland(islands);
      const r = this.walk(module, this.rootAttributes, root, islands);
      if (r.ins.length !== 0 || r.outs.length !== 0) {
        const open = [
          ...r.ins.map((s) => s.logic.stageName + '.' + s.logic._inlets[s.port]!.name),
          ...r.outs.map((s) => s.logic.stageName + '.' + s.logic._outlets[s.port]!.name),
        ];
        throw new Error(`Cannot run a graph that has open ports: ${open.join(', ')}`);
      }
      for (const island of islands) island.start();
      if (this.shutdownFlag) for (const island of islands) island.abort();
      return r.value;
    } catch (e) {
      for (const island of islands) island.abort();
      throw e;
    } finally {
      this.building = previous;
    }
  }

  /**
   * Sub-fusing materialization: materializes `module` (which may have open ports, e.g. a Source whose
   * outlet feeds a parent stage's sub-inlet) into the running `island`, starting its stages right away.
   * Async boundaries inside it still get islands of their own. `inherited` are the attributes the nested
   * stream inherits from the stage that runs it (Pekko's `subFusingMaterializer.materialize(graph,
   * inheritedAttributes)`): the module's own attributes go on top of them.
   */
  materializeInto(
    module: Module,
    island: GraphInterpreter,
    wire: (ins: Slot[], outs: Slot[]) => void,
    inherited: AttributesLike = this.rootAttributes,
  ): unknown {
    if (this.shutdownFlag) throw new MaterializerShutdownError();
    const islands: GraphInterpreter[] = [];
    const previous = this.building;
    this.building = { stream: this.streamOf(island), nested: true };
    let r: Materialized;
    try {
      r = this.walk(module, inherited, island, islands);
      wire(r.ins, r.outs);
    } catch (e) {
      island.discardPending();
      for (const i of islands) i.abort();
      throw e;
    } finally {
      this.building = previous;
    }
    island.startPending();
    for (const i of islands) i.start();
    return r.value;
  }

  /** Connects two port slots (possibly across islands). */
  connectSlots(out: Slot, into: Slot): void {
    const previous = this.building;
    this.building = { stream: this.streamOf(out.island), nested: true };
    try {
      this.wire(out, into, []);
    } finally {
      this.building = previous;
    }
  }

  /** The stream an island belongs to (islands are always created for one). */
  private streamOf(island: GraphInterpreter): RunningStream {
    const hooks = island.hooks;
    return hooks instanceof RunningStream ? hooks : this.newStream();
  }

  private newIsland(islands: GraphInterpreter[]): GraphInterpreter {
    const stream = this.building!.stream;
    const island = new GraphInterpreter(this.executor, this.eventLimit, stream);
    islands.push(island);
    this.running.add(island);
    stream.islands.add(island);
    return island;
  }

  private walk(module: Module, inherited: AttributesLike, island: GraphInterpreter, islands: GraphInterpreter[]): Materialized {
    let attributes = inherited;
    if (module.attributes !== null) {
      attributes = inherited.and(module.attributes);
      if (module.attributes.isAsyncBoundary) island = this.newIsland(islands);
    }
    switch (module.kind) {
      case 'atomic': {
        const materialized = module.stage._materialize(attributes, this);
        const logic = materialized[0];
        let value = materialized[1];
        island.addLogic(logic);
        const b = this.building!;
        b.stream.registerLogic(logic, b.nested);
        if (module.outCount === 0 && !b.nested) value = b.stream.registerSink(logic, value);
        const ins: Slot[] = new Array<Slot>(module.inCount);
        for (let i = 0; i < ins.length; i++) ins[i] = { logic, port: i, island };
        const outs: Slot[] = new Array<Slot>(module.outCount);
        for (let i = 0; i < outs.length; i++) outs[i] = { logic, port: i, island };
        return { ins, outs, value };
      }
      case 'linear': {
        const children = module.children;
        const first = this.walk(children[0]!, attributes, island, islands);
        let value = first.value;
        let prev = first;
        for (let i = 1; i < children.length; i++) {
          const cur = this.walk(children[i]!, attributes, island, islands);
          this.wire(prev.outs[0]!, cur.ins[0]!, islands);
          const combine = module.combiners[i];
          if (combine) value = combine(value, cur.value);
          prev = cur;
        }
        return { ins: first.ins, outs: prev.outs, value };
      }
      case 'composite': {
        const results = module.children.map((c) => this.walk(c, attributes, island, islands));
        const e = module.edges;
        for (let i = 0; i < e.length; i += 4) {
          this.wire(results[e[i]!]!.outs[e[i + 1]!]!, results[e[i + 2]!]!.ins[e[i + 3]!]!, islands);
        }
        const ins: Slot[] = [];
        for (let i = 0; i < module.inlets.length; i += 2) ins.push(results[module.inlets[i]!]!.ins[module.inlets[i + 1]!]!);
        const outs: Slot[] = [];
        for (let i = 0; i < module.outlets.length; i += 2) outs.push(results[module.outlets[i]!]!.outs[module.outlets[i + 1]!]!);
        return { ins, outs, value: module.combine(results.map((r) => r.value)) };
      }
    }
  }

  private wire(out: Slot, into: Slot, islands: GraphInterpreter[]): void {
    if (out.island === into.island) {
      out.island.connect(out.logic, out.port, into.logic, into.port);
      return;
    }
    // The buffer size set on the receiving side wins, then the one on the sending side, then the default.
    const downAttrs = (into.logic as MaterializingLogic).attributes;
    const upAttrs = (out.logic as MaterializingLogic).attributes;
    const size = (downAttrs.hasInputBuffer || !upAttrs.hasInputBuffer ? downAttrs : upAttrs).inputBuffer.max;
    const pair = this.boundaryFactory(size);
    out.island.addLogic(pair.upstream);
    into.island.addLogic(pair.downstream);
    const b = this.building!;
    b.stream.registerLogic(pair.upstream, b.nested);
    b.stream.registerLogic(pair.downstream, b.nested);
    b.stream.registerBoundary(pair.upstream, pair.downstream);
    out.island.connect(out.logic, out.port, pair.upstream, 0);
    into.island.connect(pair.downstream, 0, into.logic, into.port);
    void islands;
  }
}

const defaultLogger: FailureLogger = (message, error) => {
  console.error(`[tributary] ${message}`, error);
};
