/**
 * What `statefulMap` and `mapWithResource` share (Pekko builds the second from the first): a state
 * created in `preStart`, a step per element, and a closing function that sees the last state on
 * **every** termination, exactly once:
 *
 * | what ends the state                    | closing function's result                   |
 * |----------------------------------------|---------------------------------------------|
 * | upstream completes                     | emitted (on demand), then the stage completes |
 * | upstream fails                         | emitted (on demand), then the stage fails with upstream's error |
 * | the step throws, supervision `stop`    | emitted, then the stage fails with the step's error |
 * | the step throws, supervision `restart` | emitted in place of the dropped element; a fresh state is created |
 * | downstream cancels                     | dropped (nobody can receive it)             |
 * | materializer shutdown / anything else  | dropped (called from `postStop`)            |
 *
 * `needsClose` is cleared *before* the closing function runs, so it never runs twice — not even when it
 * throws; its error then escapes the handler and is the error the stage fails with.
 */
import type { Decider } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import type { Inlet, Outlet } from '../stage/Ports.js';
import type { FlowShape } from '../stage/Shape.js';
import { decide } from './FlowStage.js';

export abstract class StatefulMapLogicBase<S, I, O> extends GraphStageLogic implements InHandler, OutHandler {
  protected state!: S;
  /** The state is open: the closing function still has to see it. */
  private needsClose = false;
  private readonly in: Inlet<I>;
  private readonly out: Outlet<O>;

  constructor(
    shape: FlowShape<I, O>,
    private readonly create: () => S,
    /** Runs once per state; `undefined` = no final element. */
    private readonly close: (state: S) => O | undefined,
    private readonly decider: Decider,
  ) {
    super(shape);
    this.in = shape.in;
    this.out = shape.out;
    this.setHandlers(shape.in, shape.out, this);
  }

  /** Maps one element, updating `state` as it needs to. */
  protected abstract step(x: I): O;

  override preStart(): void {
    this.open();
  }

  private open(): void {
    this.state = this.create();
    this.needsClose = true;
  }

  /** Runs the closing function, at most once per state. */
  private closeState(): O | undefined {
    if (!this.needsClose) return undefined;
    this.needsClose = false;
    return this.close(this.state);
  }

  onPush(): void {
    const { in: inlet, out } = this;
    let y: O;
    try {
      y = this.step(this.grab(inlet));
    } catch (e) {
      const d = decide(this.decider, e);
      if (d === 'stop') return this.closeThen(() => this.failStage(e));
      if (d === 'resume') return this.pull(inlet);
      const last = this.closeState();
      this.open();
      // `out` was pulled (that is why an element came in): the closing result takes the dropped element's place.
      if (last === undefined) this.pull(inlet);
      else this.push(out, last);
      return;
    }
    this.push(out, y);
  }

  onPull(): void {
    this.pull(this.in);
  }

  onUpstreamFinish(): void {
    this.closeThen(() => this.completeStage());
  }

  onUpstreamFailure(error: unknown): void {
    this.closeThen(() => this.failStage(error));
  }

  onDownstreamFinish(cause: unknown): void {
    this.closeState();
    this.cancelStage(cause);
  }

  /** Closes the state, emits its final element (if any) when downstream asks, then ends the stage with `end`. */
  private closeThen(end: () => void): void {
    const last = this.closeState();
    if (last === undefined) end();
    else this.emit(this.out, last, end);
  }

  override postStop(): void {
    this.closeState();
  }
}
