/**
 * The mirror image of `SubSinkInlet`: lets a running stage *produce* a nested stream — groupBy's
 * substreams, splitWhen's parts, prefixAndTail's tail. The stage creates a `SubSourceOutlet`, hands
 * its `source` to whoever runs it, and drives it like one of its own outlets: `push` once the nested
 * stream has pulled, `complete`, `fail`. The nested stream's pulls and its cancellation arrive at the
 * handler set with `setHandler`, and run as the parent stage (an exception there fails the parent).
 *
 * ## Where the nested stream runs
 *
 * - **In the parent's island** (the usual case: `flatMapConcat`, `mergeSubstreams`, … materialize the
 *   source they receive with `materializeInto`, into their own island): parent and nested stream talk
 *   through plain method calls; no event-loop hop per element.
 * - **Anywhere else** (say the user runs the tail of `prefixAndTail` with its own `runWith`): the two
 *   sides exchange events through async callbacks of both stages, in order.
 *
 * The side is decided when the nested stage starts (`preStart`), by comparing interpreters.
 *
 * ## Before it is materialized
 *
 * Completion or failure sent before the source runs is remembered and replayed when it starts. A
 * source that is never run would hold its parent back forever, so the parent may arm a
 * *subscription timeout* (`scheduleTimeout`): if nobody materializes the source in time, it is closed,
 * the parent is told, and a later attempt to run it fails with `SubscriptionTimeoutException`. The
 * timeout defaults to 5 seconds and is set with the `subscriptionTimeout(ms)` attribute.
 *
 * A source can be materialized once; a second attempt throws `IllegalStageUsageError`.
 */
import { AbruptTerminationException, IllegalStageUsageError, type OutHandler } from '../impl/GraphInterpreter.js';
import type { Module } from '../impl/Module.js';
import type { Cancellable } from '../Scheduler.js';
import { Attributes } from './Attributes.js';
import { requireMillis } from './argumentChecks.js';
import { type Graph, GraphStage, type NotUsed } from './GraphStage.js';
import { type AsyncCallback, GraphStageLogic } from './GraphStageLogic.js';
import { Outlet } from './Ports.js';
import { SourceShape } from './Shape.js';

/** A substream source was not materialized within the subscription timeout. */
export class SubscriptionTimeoutException extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubscriptionTimeoutException';
  }
}

const SubscriptionTimeoutKey = 'subscriptionTimeout';

/** Default time a substream source may stay un-materialized before it is timed out. */
export const DefaultSubscriptionTimeoutMs = 5000;

/**
 * How long a substream source (groupBy/splitWhen/splitAfter substreams, prefixAndTail's tail) may stay
 * un-materialized before it is closed and its parent stops waiting for it.
 */
export function subscriptionTimeout(ms: number): Attributes {
  requireMillis('subscriptionTimeout', 'ms', ms);
  return Attributes.of(SubscriptionTimeoutKey, ms);
}

/** The subscription timeout in effect for a stage with these attributes. */
export function subscriptionTimeoutOf(attributes: Attributes): number {
  return attributes.get<number>(SubscriptionTimeoutKey) ?? DefaultSubscriptionTimeoutMs;
}

type Command = { readonly kind: 'push'; readonly elem: unknown } | { readonly kind: 'complete' } | { readonly kind: 'fail'; readonly error: unknown };
type Event = { readonly kind: 'pull' } | { readonly kind: 'cancel'; readonly cause: unknown };

const PullEvent: Event = { kind: 'pull' };
const CompleteCommand: Command = { kind: 'complete' };

/**
 * The outlets of each parent that are still open, so that the parent stopping closes them. One stop
 * listener per parent (not per outlet): a long-running groupBy/splitWhen creates any number of
 * substreams over its life, and closed ones must not be remembered.
 */
const openOutlets = new WeakMap<GraphStageLogic, Set<SubSourceOutlet<unknown>>>();

function track(parent: GraphStageLogic, outlet: SubSourceOutlet<unknown>): void {
  let open = openOutlets.get(parent);
  if (open === undefined) {
    const set = new Set<SubSourceOutlet<unknown>>();
    openOutlets.set(parent, set);
    parent._onStop(() => {
      openOutlets.delete(parent);
      for (const o of [...set]) o._parentStopped();
    });
    open = set;
  }
  open.add(outlet);
}

export class SubSourceOutlet<T> {
  private handler: OutHandler | null = null;
  /** @internal The nested stream's logic, once materialized. */ _logic: SubSourceLogic<T> | null = null;
  private started = false;
  private sameIsland = false;
  private available = false;
  private closed = false;
  /** Completion/failure sent before the nested stage started. */
  private pending: Command | null = null;
  private timedOut: SubscriptionTimeoutException | null = null;
  private timer: Cancellable | null = null;
  private parentEvents: AsyncCallback<Event> | null = null;
  private readonly stage: SubSourceStage<T>;

  constructor(
    /** @internal */ readonly _parent: GraphStageLogic,
    readonly name: string,
  ) {
    this.stage = new SubSourceStage(this);
    track(_parent, this as SubSourceOutlet<unknown>);
  }

  /** Marks this outlet closed and forgets it (and its timer). */
  private markClosed(): void {
    this.closed = true;
    this.available = false;
    this.timer?.cancel();
    this.timer = null;
    openOutlets.get(this._parent)?.delete(this as SubSourceOutlet<unknown>);
  }

  /** Receives the nested stream's pulls and its cancellation (default: cancellation stops the parent). */
  setHandler(handler: OutHandler): void {
    this.handler = handler;
  }

  /** The source to hand out; it may be materialized once. */
  get source(): Graph<SourceShape<T>, NotUsed> {
    return this.stage;
  }

  /** The nested stream has pulled and no element was pushed since. */
  isAvailable(): boolean {
    return this.available;
  }

  /** Completed, failed or timed out by the parent, or cancelled by the nested stream. */
  isClosed(): boolean {
    return this.closed;
  }

  /** Whether the source has been materialized (it may not have started yet). */
  get isMaterialized(): boolean {
    return this._logic !== null;
  }

  /** Sends an element; only after the nested stream pulled (see `isAvailable`). */
  push(elem: T): void {
    if (!this.available) {
      throw new IllegalStageUsageError(
        `Cannot push substream ${this.name} of ${this._parent.stageName} ${this.closed ? 'after it was closed' : 'before it pulled'}`,
      );
    }
    this.available = false;
    const l = this._logic!;
    if (this.sameIsland) l.push(l.out, elem);
    else l.commands.invoke({ kind: 'push', elem });
  }

  /** Completes the nested stream (now, or as soon as it starts). */
  complete(): void {
    this.close(CompleteCommand);
  }

  /** Fails the nested stream with `error` (now, or as soon as it starts). */
  fail(error: unknown): void {
    this.close({ kind: 'fail', error });
  }

  /**
   * Arms the subscription timeout: unless the source is materialized within `ms`, it is closed (a later
   * materialization fails with `SubscriptionTimeoutException`) and `onTimeout` runs inside the parent,
   * with that exception. The timer runs on the materializer's scheduler and is cancelled on
   * materialization or when the parent stops.
   */
  scheduleTimeout(ms: number, onTimeout: (timeout: SubscriptionTimeoutException) => void): void {
    if (this._logic !== null || this.closed) return;
    this.timer?.cancel();
    const parent = this._parent;
    const fire = parent.getAsyncCallback<undefined>(() => {
      this.timer = null;
      if (this._logic !== null || this.closed) return;
      this.markClosed();
      const timeout = new SubscriptionTimeoutException(`Substream Source ${this.name} of ${parent.stageName} has not been materialized in ${ms} ms`);
      this.timedOut = timeout;
      onTimeout(timeout);
    });
    this.timer = parent.materializer.scheduler.scheduleOnce(ms, () => fire.invoke(undefined));
  }

  private close(cmd: Command): void {
    if (this.closed) return;
    this.markClosed();
    const l = this._logic;
    if (l === null || !this.started) {
      this.pending = cmd;
      return;
    }
    if (!this.sameIsland) l.commands.invoke(cmd);
    else if (cmd.kind === 'complete') l.completeStage();
    else l.failStage((cmd as { error: unknown }).error);
  }

  /** @internal The parent stopped: a substream it left open fails (it would otherwise wait forever). */
  _parentStopped(): void {
    if (!this.closed) this.fail(new AbruptTerminationException(`${this._parent.stageName} stopped before its substream ${this.name} completed`));
  }

  // ───────────────────────────── called by the nested stage ─────────────────────────────

  /** @internal At materialization (createLogic). */
  _attach(logic: SubSourceLogic<T>): void {
    if (this._logic !== null)
      throw new IllegalStageUsageError(`Substream Source ${this.name} of ${this._parent.stageName} cannot be materialized more than once`);
    this._logic = logic;
    this.timer?.cancel();
    this.timer = null;
  }

  /** @internal In the nested stage's preStart. */
  _start(logic: SubSourceLogic<T>): void {
    this.started = true;
    this.sameIsland = logic._interpreter === this._parent._interpreter;
    if (!this.sameIsland) this.parentEvents = this._parent.getAsyncCallback<Event>((e) => this.deliver(e));
    if (this.timedOut !== null) {
      logic.failStage(this.timedOut);
      return;
    }
    const p = this.pending;
    if (p === null) return;
    this.pending = null;
    if (p.kind === 'complete') logic.completeStage();
    else logic.failStage((p as { error: unknown }).error);
  }

  /** @internal The nested stream pulled or cancelled. */
  _event(e: Event): void {
    if (this.sameIsland) this.asParent(() => this.deliver(e));
    else this.parentEvents!.invoke(e);
  }

  private deliver(e: Event): void {
    if (this.closed) return;
    if (e.kind === 'pull') {
      this.available = true;
      this.currentHandler().onPull();
      return;
    }
    this.markClosed();
    const h = this.currentHandler();
    if (h.onDownstreamFinish !== undefined) h.onDownstreamFinish(e.cause);
    else this._parent.cancelStage(e.cause);
  }

  private currentHandler(): OutHandler {
    if (this.handler === null) throw new IllegalStageUsageError(`SubSourceOutlet ${this.name} of ${this._parent.stageName} has no handler`);
    return this.handler;
  }

  /** Runs parent code from inside the nested stage's handler: its failures belong to the parent. */
  private asParent(f: () => void): void {
    try {
      f();
    } catch (e) {
      this._parent.failStage(e);
    }
  }
}

class SubSourceStage<T> extends GraphStage<SourceShape<T>> {
  readonly out = new Outlet<T>('SubSource.out');
  readonly shape = new SourceShape(this.out);
  constructor(readonly handle: SubSourceOutlet<T>) {
    super();
  }
  override get defaultName(): string {
    return `${this.handle._parent.stageName}/${this.handle.name}`;
  }
  createLogic(): GraphStageLogic {
    const logic = new SubSourceLogic(this);
    this.handle._attach(logic);
    return logic;
  }
}

/** @internal */
export class SubSourceLogic<T> extends GraphStageLogic implements OutHandler {
  readonly out: Outlet<T>;
  /** Parent commands when the two run in different islands. */
  readonly commands: AsyncCallback<Command>;
  constructor(private readonly stage: SubSourceStage<T>) {
    super(stage.shape);
    this.out = stage.out;
    this.setHandler(stage.out, this);
    this.commands = this.getAsyncCallback<Command>((cmd) => {
      if (cmd.kind === 'push') {
        if (!this.isClosed(this.out)) this.push(this.out, cmd.elem as T);
      } else if (cmd.kind === 'complete') this.completeStage();
      else this.failStage(cmd.error);
    });
  }
  override preStart(): void {
    this.stage.handle._start(this);
  }
  onPull(): void {
    this.stage.handle._event(PullEvent);
  }
  onDownstreamFinish(cause: unknown): void {
    this.stage.handle._event({ kind: 'cancel', cause });
    this.completeStage();
  }
}

/**
 * Materializes a closed blueprint (e.g. `subSource.via(flow).to(subSink)`) into `parent`'s running
 * island; returns its materialized value. The nested stages start immediately. As in Pekko, they
 * inherit `parent`'s attributes (supervision, subscription timeout, input buffer, custom ones; not its
 * name), under the blueprint's own.
 */
export function materializeIntoParent(parent: GraphStageLogic, module: Module): unknown {
  const interpreter = parent._interpreter;
  if (interpreter === null) throw new IllegalStageUsageError(`${parent.stageName}: cannot materialize a substream before the stage runs`);
  return parent.materializer.materializeInto(module, interpreter, () => {}, parent.attributes.inheritedByInnerStreams);
}
