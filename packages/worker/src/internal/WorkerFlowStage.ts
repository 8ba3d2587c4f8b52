/**
 * # WorkerFlowStage — the main-thread half of a WorkerFlow
 *
 * One stage stands in the main stream for the flow that runs in `threads` worker threads. Each worker
 * runs its own materialization of the flow as an island on its own event loop; this stage talks to
 * them in packets (see protocol.ts) and keeps two promises of a real async boundary:
 *
 * - **Bounded, demand-driven.** A worker grants credit for at most `bufferSize` inputs and re-grants as
 *   its flow takes them; this stage pulls from upstream only while some worker has credit. In the other
 *   direction this stage grants each worker `bufferSize` outputs and re-grants, in windows of half of
 *   it, as downstream takes them. So at most `bufferSize` elements wait on either side of each worker.
 * - **Order and termination as in one process.** Outputs are delivered in the order the workers
 *   produced them; completion and failure come after the outputs that preceded them. The failure of an
 *   upstream is sent through the workers (a `recover` in the flow sees it) and comes back as the very
 *   error object. Downstream cancellation, failure or materializer shutdown stop every worker.
 *
 * ## Routing
 *
 * - `unordered` (and any single thread): each element goes to the worker with the most credit, staying
 *   with one worker until its batch is full; outputs are taken round-robin from the workers that have
 *   some.
 * - `ordered` (threads > 1): routing as above, and the order of the inputs is recorded as *runs*
 *   (worker, count). The flow emits one output per input, so the n-th output of a worker answers its
 *   n-th input: the stage delivers the runs in order, taking each run's count of outputs from its
 *   worker. A worker that emits more outputs than it had inputs, or fewer by the time it completes,
 *   breaks that pairing: the stream fails with a `WorkerFlowOrderingError`.
 * - `partitioned`: the key of each element picks the worker; an element whose worker has no credit
 *   waits (one element, as in `Partition`) and holds the stream up until it has.
 *
 * ## Dead workers
 *
 * A worker whose thread dies before its stream ended fails the stream with a `WorkerDiedError` (after
 * the outputs it sent before dying) — unless `restart` settings replace it. Its slot then gets a
 * *successor* link at once (so that ordering runs can be re-pointed to it) and a thread after the
 * backoff. With `inFlight: 'retry'` the successor is first sent the inputs the dead worker had not
 * answered (by position, as for ordering); with `'drop'` those are given up and the restart report
 * says how many.
 */
import type { Decider } from '@tributary/core';
import {
  type AsyncCallback,
  type Attributes,
  FlowShape,
  type GraphStageLogic,
  GraphStageWithMaterializedValue,
  type InHandler,
  Inlet,
  type OutHandler,
  Outlet,
  TimerGraphStageLogic,
} from '@tributary/core/stage';
import { WorkerDiedError, WorkerFlowOrderingError } from '../errors.js';
import { type WorkerFlowHandle, WorkerFlowHandleImpl } from '../WorkerFlowHandle.js';
import { deserializeError, serializeError } from './errorTransport.js';
import { OrderedRuns } from './OrderedRuns.js';
import { partitionSlot } from './partitionSlot.js';
import { type EndSignal, grantWindow, type Packet } from './protocol.js';
import type { WorkerFlowSettings } from './settings.js';
import { WorkerLink } from './WorkerLink.js';
import { WorkerThread } from './WorkerThread.js';

export class WorkerFlowStage extends GraphStageWithMaterializedValue<FlowShape<unknown, unknown>, WorkerFlowHandle> {
  readonly in = new Inlet<unknown>('WorkerFlow.in');
  readonly out = new Outlet<unknown>('WorkerFlow.out');
  readonly shape = new FlowShape(this.in, this.out);

  constructor(readonly settings: WorkerFlowSettings) {
    super();
  }

  override get defaultName(): string {
    return this.settings.label;
  }

  createLogicAndMaterializedValue(inheritedAttributes: Attributes): [GraphStageLogic, WorkerFlowHandle] {
    const handle = new WorkerFlowHandleImpl(this.settings.threads);
    return [new WorkerFlowLogic(this, inheritedAttributes.supervisionDecider, handle), handle];
  }
}

/** Any worker may take a held element (balanced routing). */
const AnySlot = -1;

class WorkerFlowLogic extends TimerGraphStageLogic implements InHandler, OutHandler {
  private readonly settings: WorkerFlowSettings;
  private readonly in: Inlet<unknown>;
  private readonly out: Outlet<unknown>;
  private readonly window: number;
  /** Retry mode, unordered: at most this many unanswered inputs are kept per worker. */
  private readonly retryWindow: number;
  /** The current link of each slot (a dead one until its successor is made). */
  private readonly links: WorkerLink[] = [];
  /** Dead links replaced by a successor whose outputs still wait for downstream. */
  private retired: WorkerLink[] = [];
  private readonly runs: OrderedRuns | null;
  /** An element pulled from upstream that no worker could take yet. */
  private held: { readonly element: unknown; readonly slot: number } | null = null;
  /** What the workers are told once their input is over (upstream ended, or a flow stopped taking input). */
  private inputEnd: EndSignal | null = null;
  private upstreamFailure: { readonly error: unknown } | null = null;
  /** Links whose stream failed and whose failure is not delivered yet (checked only while there are some). */
  private failing = 0;
  /** Routing target while its batch fills; -1: pick anew. */
  private current = -1;
  /** Round-robin start for unordered delivery. */
  private nextOutput = 0;
  private readonly restartCounts: number[];
  private readonly resetDeadlines: number[];
  private readonly onPacket: AsyncCallback<[WorkerLink, Packet]>;
  private readonly onDeath: AsyncCallback<[WorkerLink, WorkerDiedError]>;
  private readonly onPostError: AsyncCallback<unknown>;

  constructor(
    stage: WorkerFlowStage,
    private readonly decider: Decider,
    private readonly handle: WorkerFlowHandleImpl,
  ) {
    super(stage.shape);
    this.settings = stage.settings;
    this.in = stage.in;
    this.out = stage.out;
    this.window = grantWindow(this.settings.bufferSize);
    this.retryWindow = 4 * this.settings.bufferSize;
    this.runs = this.settings.routing === 'ordered' ? new OrderedRuns() : null;
    this.restartCounts = new Array<number>(this.settings.threads).fill(0);
    this.resetDeadlines = new Array<number>(this.settings.threads).fill(0);
    this.setHandlers(this.in, this.out, this);
    this.onPacket = this.getAsyncCallback(([link, packet]) => this.packet(link, packet));
    this.onDeath = this.getAsyncCallback(([link, error]) => this.died(link, error));
    this.onPostError = this.getAsyncCallback((error) => this.cannotSend(error));
  }

  // ───────────────────────────── workers ─────────────────────────────

  override preStart(): void {
    const retry = this.settings.restart !== undefined && this.settings.inFlight === 'retry';
    for (let slot = 0; slot < this.settings.threads; slot++) {
      const link = new WorkerLink(slot, retry);
      this.links.push(link);
      this.startThread(link);
    }
    // Nothing is sent before a worker granted credit, but the stream may already be over.
    this.maybePull();
  }

  private startThread(link: WorkerLink): void {
    const listener = {
      onPacket: (_: WorkerThread, packet: Packet) => this.onPacket.invoke([link, packet]),
      onLog: (message: string, error: unknown) => this.materializer.logger?.(message, error),
      onDeath: (_: WorkerThread, error: WorkerDiedError) => this.onDeath.invoke([link, error]),
      onExit: (thread: WorkerThread) => this.handle._exited(thread.threadId),
    };
    const thread = new WorkerThread(this.settings.spawn, this.settings.label, listener, (error) => this.onPostError.invoke(error));
    link.thread = thread;
    this.handle._started(thread.threadId, link.slot);
    this.resetDeadlines[link.slot] = this.materializer.scheduler.now() + (this.settings.restart?.maxRestartsWithin ?? 0);
    // A successor of a worker whose input was already over is told so after its backlog.
    this.closeInputsIfDone();
  }

  private packet(link: WorkerLink, packet: Packet): void {
    if (link.dead) return;
    const credit = packet.credit;
    if (credit !== undefined) {
      link.credit += credit;
      if (!link.ready) {
        link.ready = true;
        if (link.generation === 0) this.handle._workerReady(link.thread!.threadId, link.slot);
      }
    }
    const items = packet.items;
    if (items !== undefined && !this.received(link, items)) return;
    if (packet.inputClosed === true) this.flowClosedInput(link);
    const end = packet.end;
    if (end !== undefined && !this.ended(link, end)) return;
    this.feed();
    this.deliver();
  }

  /** Takes a batch of outputs; false if it broke the ordering contract (the stage failed). */
  private received(link: WorkerLink, items: unknown[]): boolean {
    const n = items.length;
    const outputs = link.outputs;
    for (let i = 0; i < n; i++) outputs.push(items[i]);
    link.unanswered -= n;
    const retained = link.retained;
    if (retained !== null) {
      if (n > retained.length) link.expanding = true;
      for (let i = Math.min(n, retained.length); i > 0; i--) retained.shift();
    }
    if (this.runs !== null && link.unanswered < 0) {
      this.failStage(
        new WorkerFlowOrderingError(
          `${this.settings.label}: worker thread ${link.thread?.threadId} emitted more elements than it was given; ordered: true with threads > 1 pairs each output with its input, so the flow must emit exactly one element per input (use ordered: false, or WorkerFlow.partitioned)`,
        ),
      );
      return false;
    }
    return true;
  }

  /** The worker's stream ended; false if that broke the ordering contract (the stage failed). */
  private ended(link: WorkerLink, end: EndSignal): boolean {
    link.inputOpen = false;
    if (end.kind === 'complete') {
      link.end = { kind: 'complete' };
      if (this.runs !== null && !link.closedByFlow && link.unanswered > 0) {
        this.failStage(
          new WorkerFlowOrderingError(
            `${this.settings.label}: worker thread ${link.thread?.threadId} completed with ${link.unanswered} of its inputs unanswered; ordered: true with threads > 1 pairs each output with its input, so the flow must emit exactly one element per input (use ordered: false, or WorkerFlow.partitioned)`,
          ),
        );
        return false;
      }
      return true;
    }
    if (end.kind !== 'fail') return true;
    const upstream = this.upstreamFailure;
    const error = end.upstream === true && upstream !== null ? upstream.error : this.workerError(link, end);
    this.setFailed(link, error);
    if (!link.ready) this.handle._failedBeforeReady(error);
    return true;
  }

  private setFailed(link: WorkerLink, error: unknown): void {
    link.end = { kind: 'fail', error };
    this.failing++;
  }

  /** The error of a worker's flow, rebuilt, naming the worker stage where it started. */
  private workerError(link: WorkerLink, end: Extract<EndSignal, { kind: 'fail' }>): unknown {
    const error = deserializeError(end.error);
    if (typeof error === 'object' && error !== null) {
      const info = { workerThreadId: link.thread?.threadId, workerStage: end.stage };
      for (const [key, value] of Object.entries(info)) Object.defineProperty(error, key, { value, enumerable: false, configurable: true, writable: true });
    }
    return error;
  }

  /** A worker's flow cancelled its input before it ended: like a flow in one process, the stage stops taking input. */
  private flowClosedInput(link: WorkerLink): void {
    link.inputOpen = false;
    link.closedByFlow = true;
    this.held = null;
    if (this.inputEnd === null) this.inputEnd = { kind: 'complete' };
    if (!this.isClosed(this.in)) this.cancel(this.in);
    this.closeInputsIfDone();
  }

  private died(link: WorkerLink, error: WorkerDiedError): void {
    if (link.dead || link.end !== null) return;
    link.dead = true;
    link.inputOpen = false;
    if (!link.ready) this.handle._failedBeforeReady(error);
    const restart = this.settings.restart;
    const slot = link.slot;
    if (restart === undefined || this.isClosed(this.out) || !this.mayRestart(slot, error)) {
      this.setFailed(link, error);
      this.deliver();
      return;
    }
    if (link.expanding) {
      const message = `${error.message}; its inputs cannot be retried: the flow emitted more elements than it was given, so which inputs were done is unknown (use inFlight: 'drop')`;
      this.setFailed(link, new WorkerDiedError(message, error.threadId, error.exitCode, { cause: error }));
      this.deliver();
      return;
    }
    const successor = new WorkerLink(slot, link.retained !== null, link.generation + 1);
    const repointed = this.runs?.repoint(link, link.retained !== null ? successor : null) ?? 0;
    let inFlight: string;
    if (link.retained !== null) {
      const retained = link.retained.drain();
      for (const x of retained) {
        successor.backlog.push(x);
        successor.retained!.push(x);
      }
      successor.unanswered = retained.length;
      inFlight = `${retained.length} element(s) it had not answered will be sent to its replacement`;
    } else {
      const lost = this.runs !== null ? repointed : Math.max(0, link.unanswered);
      inFlight = `${lost} element(s) it had been sent and not answered are given up`;
    }
    this.links[slot] = successor;
    if (link.outputs.length !== 0) this.retired.push(link);
    const delay = restart.delayFor(this.restartCounts[slot]!);
    this.restartCounts[slot]!++;
    if (restart.logRestarts) {
      this.materializer.logger?.(
        `${this.settings.label}: worker thread ${error.threadId} died; starting a replacement in ${Math.round(delay)} ms (restart #${this.restartCounts[slot]}); ${inFlight}`,
        error,
      );
    }
    this.current = -1;
    this.scheduleOnce(slot, delay);
    this.deliver();
  }

  private mayRestart(slot: number, error: WorkerDiedError): boolean {
    const restart = this.settings.restart!;
    if (this.materializer.scheduler.now() > this.resetDeadlines[slot]!) this.restartCounts[slot] = 0;
    if (this.restartCounts[slot]! >= restart.maxRestarts) return false;
    try {
      return restart.restartOn(error) === true;
    } catch (e) {
      this.materializer.logger?.(`${this.settings.label}: the restartOn predicate threw; not restarting`, e);
      return false;
    }
  }

  protected onTimer(slot: unknown): void {
    const link = this.links[slot as number]!;
    if (link.thread !== null || this.isClosed(this.out)) return;
    this.handle.restarts++;
    try {
      this.startThread(link);
    } catch (e) {
      this.failStage(e);
    }
  }

  private cannotSend(error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.failStage(
      new TypeError(
        `${this.settings.label}: an element could not be sent to a worker thread (elements cross by structured clone, which rejects functions, symbols and some host objects): ${reason}`,
        {
          cause: error,
        },
      ),
    );
  }

  override postStop(): void {
    for (const link of this.links) link.thread?.stop();
    for (const link of this.retired) link.thread?.stop();
    this.handle._stageStopped(new Error(`${this.settings.label}: the stream ended before every worker was ready`));
  }

  // ───────────────────────────── input side ─────────────────────────────

  onPush(): void {
    const element = this.grab(this.in);
    if (this.settings.partitionBy !== undefined) {
      const slot = this.partitionOf(element);
      if (slot === undefined) return;
      const link = this.links[slot]!;
      if (this.usable(link) && link.credit > 0) this.send(link, element);
      else this.held = { element, slot };
      this.maybePull();
    } else {
      const link = this.target();
      if (link === null) {
        this.held = { element, slot: AnySlot };
        return;
      }
      this.send(link, element);
      // The inlet was just grabbed: neither pulled nor closed.
      if (this.inputEnd === null && this.target() !== null) this.pull(this.in);
    }
  }

  /** The slot of an element's key; undefined if the element was dropped or the stage failed. */
  private partitionOf(element: unknown): number | undefined {
    let key: unknown;
    try {
      key = this.settings.partitionBy!(element);
    } catch (e) {
      let directive;
      try {
        directive = this.decider(e);
      } catch {
        directive = 'stop';
      }
      if (directive === 'stop') this.failStage(e);
      else this.maybePull();
      return undefined;
    }
    const slot = partitionSlot(key, this.settings.threads);
    if (slot === undefined) {
      this.failStage(
        new TypeError(`${this.settings.label}: partitionBy must return a string, number, bigint or boolean key, got ${key === null ? 'null' : typeof key}`),
      );
    }
    return slot;
  }

  private usable(link: WorkerLink): boolean {
    return link.thread !== null && !link.dead && link.inputOpen && link.backlog.length === 0;
  }

  /** Balanced routing: the worker that takes the next element. */
  private target(): WorkerLink | null {
    if (this.current >= 0) {
      const link = this.links[this.current]!;
      if (link.credit > 0 && this.usable(link)) return link;
    }
    let best: WorkerLink | null = null;
    for (const link of this.links) if (link.credit > 0 && this.usable(link) && (best === null || link.credit > best.credit)) best = link;
    this.current = best === null ? -1 : best.slot;
    return best;
  }

  private send(link: WorkerLink, element: unknown): void {
    this.runs?.append(link);
    this.transmit(link, element);
    // A full batch went out: spread the next one to whoever has the most credit.
    if (link.thread!.outbox.pending === 0) this.current = -1;
  }

  private transmit(link: WorkerLink, element: unknown): void {
    link.credit--;
    link.unanswered++;
    const retained = link.retained;
    if (retained !== null) {
      retained.push(element);
      if (this.runs === null && retained.length > this.retryWindow) retained.shift();
    }
    link.thread!.outbox.push(element);
  }

  /** Sends retried and held elements where credit allows, tells workers their input is over, pulls. */
  private feed(): void {
    for (const link of this.links) {
      const backlog = link.backlog;
      if (backlog.length === 0 || link.thread === null || link.dead) continue;
      while (backlog.length !== 0 && link.credit > 0) {
        link.credit--;
        link.thread.outbox.push(backlog.shift());
      }
    }
    const held = this.held;
    if (held !== null) {
      const link = held.slot === AnySlot ? this.target() : this.links[held.slot]!;
      if (link !== null && link.credit > 0 && this.usable(link)) {
        this.held = null;
        this.send(link, held.element);
      }
    }
    this.closeInputsIfDone();
    this.maybePull();
  }

  private maybePull(): void {
    if (this.inputEnd !== null || this.held !== null || this.isClosed(this.in) || this.hasBeenPulled(this.in)) return;
    // Partitioned: the next element's worker is not known before it arrives; it may have to wait (held).
    if (this.settings.partitionBy !== undefined || this.target() !== null) this.pull(this.in);
  }

  /** Once the input is over and nothing waits to be sent, every live worker is told (after its backlog). */
  private closeInputsIfDone(): void {
    const end = this.inputEnd;
    if (end === null || this.held !== null) return;
    for (const link of this.links) {
      if (link.thread === null || link.dead || !link.inputOpen || link.backlog.length !== 0) continue;
      link.inputOpen = false;
      link.thread.outbox.finish(end);
    }
  }

  onUpstreamFinish(): void {
    if (this.inputEnd === null) this.inputEnd = { kind: 'complete' };
    this.feed();
    this.checkCompletion();
  }

  onUpstreamFailure(error: unknown): void {
    // The failure goes through the workers' flows (a recover there sees it) and comes back in order.
    this.upstreamFailure = { error };
    this.held = null;
    this.inputEnd = { kind: 'fail', error: serializeError(error) };
    this.closeInputsIfDone();
    if (this.links.every((l) => l.end !== null || l.dead)) this.failStage(error);
  }

  // ───────────────────────────── output side ─────────────────────────────

  onPull(): void {
    this.deliver();
  }

  onDownstreamFinish(cause: unknown): void {
    this.cancelStage(cause);
  }

  private deliver(): void {
    if (this.isClosed(this.out)) return;
    if (this.runs !== null) this.deliverOrdered(this.runs);
    else this.deliverUnordered();
    if (this.failing !== 0 && this.checkFailures()) return;
    this.checkCompletion();
  }

  private deliverOrdered(runs: OrderedRuns): void {
    for (let link = runs.nextLink(); link !== null; link = runs.nextLink()) {
      if (link.outputs.length === 0) {
        // Positions owed by a worker whose flow stopped taking input early will not be answered.
        if (link.end?.kind === 'complete' && link.closedByFlow) {
          runs.skipHead();
          continue;
        }
        return;
      }
      if (!this.isAvailable(this.out)) return;
      this.pushFrom(link);
      runs.answered();
    }
  }

  private deliverUnordered(): void {
    while (this.isAvailable(this.out)) {
      const link = this.nextWithOutput();
      if (link === null) return;
      this.pushFrom(link);
    }
  }

  /** Retired links first (their outputs are older), then the current ones round-robin. */
  private nextWithOutput(): WorkerLink | null {
    if (this.retired.length !== 0) {
      this.retired = this.retired.filter((l) => l.outputs.length !== 0);
      if (this.retired.length !== 0) return this.retired[0]!;
    }
    const n = this.links.length;
    for (let i = 0; i < n; i++) {
      const slot = (this.nextOutput + i) % n;
      const link = this.links[slot]!;
      if (link.outputs.length !== 0) {
        this.nextOutput = (slot + 1) % n;
        return link;
      }
    }
    return null;
  }

  private pushFrom(link: WorkerLink): void {
    this.push(this.out, link.outputs.shift());
    if (++link.consumed >= this.window) {
      if (link.thread !== null && !link.dead) link.thread.outbox.grant(link.consumed);
      link.consumed = 0;
    }
  }

  /** A worker's failure is delivered once the outputs before it are; true if the stage failed. */
  private checkFailures(): boolean {
    for (const link of this.links) {
      const end = link.end;
      if (end?.kind !== 'fail' || link.outputs.length !== 0) continue;
      if (this.runs !== null && this.runs.owesBefore(link)) continue;
      this.failStage(end.error);
      return true;
    }
    return false;
  }

  private checkCompletion(): void {
    if (this.inputEnd === null || this.held !== null || !this.isClosed(this.in)) return;
    if (this.retired.length !== 0) {
      this.retired = this.retired.filter((l) => l.outputs.length !== 0);
      if (this.retired.length !== 0) return;
    }
    if (this.runs !== null && !this.runs.isEmpty) return;
    for (const link of this.links) if (link.end?.kind !== 'complete' || link.outputs.length !== 0) return;
    this.completeStage();
  }
}
