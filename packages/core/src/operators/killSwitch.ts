/**
 * Kill switches: stages that pass elements through until they are told, from outside the stream, to
 * stop — `shutdown()` completes downstream and cancels upstream, `abort(error)` fails downstream and
 * cancels upstream with the error. The first command wins; later ones are ignored.
 *
 * A switch is a small shared state with a set of listening stages. A stage registers in `preStart` (and
 * acts at once if the switch was already used), unregisters in `postStop`, and receives the command
 * through an async callback, so it runs inside the stage's island.
 */
import { BidiShape } from '../stage/BidiShape.js';
import { GraphStageWithMaterializedValue } from '../stage/GraphStage.js';
import { type AsyncCallback, GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { Inlet, Outlet } from '../stage/Ports.js';
import { FlowShape } from '../stage/Shape.js';

export type KillCommand = { readonly kind: 'shutdown' } | { readonly kind: 'abort'; readonly error: unknown };

const ShutdownCommand: KillCommand = { kind: 'shutdown' };

/** Stops the stream(s) it is part of from outside. */
export interface KillSwitch {
  /** Completes downstream and cancels upstream of every stage of this switch. */
  shutdown(): void;
  /** Fails downstream with `error` and cancels upstream of every stage of this switch. */
  abort(error: unknown): void;
}

/** @internal The state shared by a switch and its stages. */
export class KillState {
  command: KillCommand | null = null;
  readonly listeners = new Set<AsyncCallback<KillCommand>>();
  fire(cmd: KillCommand): void {
    if (this.command !== null) return;
    this.command = cmd;
    for (const l of [...this.listeners]) l.invoke(cmd);
    this.listeners.clear();
  }
}

/** The switch of one materialization of `KillSwitches.single()`. */
export class UniqueKillSwitch implements KillSwitch {
  /** @internal */ readonly _state = new KillState();
  shutdown(): void {
    this._state.fire(ShutdownCommand);
  }
  abort(error: unknown): void {
    this._state.fire({ kind: 'abort', error });
  }
  toString(): string {
    return 'UniqueKillSwitch';
  }
}

/**
 * A switch shared by any number of streams (`KillSwitches.shared(name)`): put `switch.flow()` into
 * each; one `shutdown()`/`abort(error)` stops them all. Streams materialized after the switch was used
 * stop as soon as they start.
 */
export class SharedKillSwitch implements KillSwitch {
  /** @internal */ readonly _state = new KillState();
  constructor(readonly name: string) {}
  shutdown(): void {
    this._state.fire(ShutdownCommand);
  }
  abort(error: unknown): void {
    this._state.fire({ kind: 'abort', error });
  }
  /** Whether `shutdown` or `abort` was called. */
  get isTerminated(): boolean {
    return this._state.command !== null;
  }
  /** A pass-through flow controlled by this switch; materializes the switch itself. */
  flow<T>(): KillSwitchStage<T, SharedKillSwitch> {
    return new KillSwitchStage<T, SharedKillSwitch>(`killSwitch(${this.name})`, () => [this._state, this]);
  }
  toString(): string {
    return `SharedKillSwitch(${this.name})`;
  }
}

/** A pass-through flow stage listening to a kill switch. */
export class KillSwitchStage<T, M> extends GraphStageWithMaterializedValue<FlowShape<T, T>, M> {
  readonly in = new Inlet<T>('KillSwitch.in');
  readonly out = new Outlet<T>('KillSwitch.out');
  readonly shape = new FlowShape(this.in, this.out);
  constructor(
    private readonly name: string,
    private readonly materialize: () => [KillState, M],
  ) {
    super();
  }
  override get defaultName(): string {
    return this.name;
  }
  createLogicAndMaterializedValue(): [GraphStageLogic, M] {
    const [state, m] = this.materialize();
    return [new KillSwitchLogic(this, state), m];
  }
}

/** `KillSwitches.single()`: a fresh `UniqueKillSwitch` per materialization. */
export function singleKillSwitch<T>(): KillSwitchStage<T, UniqueKillSwitch> {
  return new KillSwitchStage<T, UniqueKillSwitch>('killSwitch', () => {
    const sw = new UniqueKillSwitch();
    return [sw._state, sw];
  });
}

class KillSwitchLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  private readonly onCommand: AsyncCallback<KillCommand>;
  constructor(
    private readonly stage: KillSwitchStage<T, unknown>,
    private readonly state: KillState,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
    this.onCommand = this.getAsyncCallback((cmd) => this.execute(cmd));
  }
  override preStart(): void {
    const cmd = this.state.command;
    if (cmd !== null) this.execute(cmd);
    else this.state.listeners.add(this.onCommand);
  }
  private execute(cmd: KillCommand): void {
    if (cmd.kind === 'shutdown') this.completeStage();
    else this.failStage(cmd.error);
  }
  onPush(): void {
    this.push(this.stage.out, this.grab(this.stage.in));
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
  override postStop(): void {
    this.state.listeners.delete(this.onCommand);
  }
}

/**
 * `KillSwitches.singleBidi()`: a bidi stage passing both directions through unchanged (each direction
 * completes, fails and cancels on its own), controlled by one `UniqueKillSwitch` that stops both.
 */
export class KillSwitchBidiStage<T1, T2> extends GraphStageWithMaterializedValue<BidiShape<T1, T1, T2, T2>, UniqueKillSwitch> {
  readonly in1 = new Inlet<T1>('KillSwitchBidi.in1');
  readonly out1 = new Outlet<T1>('KillSwitchBidi.out1');
  readonly in2 = new Inlet<T2>('KillSwitchBidi.in2');
  readonly out2 = new Outlet<T2>('KillSwitchBidi.out2');
  readonly shape = new BidiShape(this.in1, this.out1, this.in2, this.out2);
  override get defaultName(): string {
    return 'killSwitchBidi';
  }
  createLogicAndMaterializedValue(): [GraphStageLogic, UniqueKillSwitch] {
    const sw = new UniqueKillSwitch();
    return [new KillSwitchBidiLogic(this, sw._state), sw];
  }
}

class KillSwitchBidiLogic<T1, T2> extends GraphStageLogic {
  private readonly onCommand: AsyncCallback<KillCommand>;
  constructor(
    stage: KillSwitchBidiStage<T1, T2>,
    private readonly state: KillState,
  ) {
    super(stage.shape);
    this.passThrough(stage.in1, stage.out1);
    this.passThrough(stage.in2, stage.out2);
    this.onCommand = this.getAsyncCallback((cmd) => this.execute(cmd));
  }
  private passThrough<T>(inlet: Inlet<T>, out: Outlet<T>): void {
    this.setHandler(inlet, {
      onPush: () => this.push(out, this.grab(inlet)),
      onUpstreamFinish: () => this.complete(out),
      onUpstreamFailure: (e) => this.fail(out, e),
    });
    this.setHandler(out, {
      onPull: () => this.pull(inlet),
      onDownstreamFinish: (cause) => this.cancel(inlet, cause),
    });
  }
  override preStart(): void {
    const cmd = this.state.command;
    if (cmd !== null) this.execute(cmd);
    else this.state.listeners.add(this.onCommand);
  }
  private execute(cmd: KillCommand): void {
    if (cmd.kind === 'shutdown') this.completeStage();
    else this.failStage(cmd.error);
  }
  override postStop(): void {
    this.state.listeners.delete(this.onCommand);
  }
}
