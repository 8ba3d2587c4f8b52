import type { Attributes, Decider } from '../stage/Attributes.js';
import type { InHandler, OutHandler } from '../stage/GraphStageLogic.js';
import { TimerGraphStageLogic } from '../stage/TimerGraphStageLogic.js';
import { requireDuration } from './durations.js';
import { decide, FlowStage } from './FlowStage.js';
import { requireFunction } from './validate.js';

const IdleTimer = 'keepAlive';

/**
 * `keepAlive(maxIdleMs, injected)`: when no element has gone downstream for `maxIdleMs` and downstream is
 * waiting, emits `injected()`. Upstream is pulled ahead (one element), so real elements always win.
 * Supervision (for `injected`): `resume`/`restart` skip that injection and wait another `maxIdleMs`.
 */
export class KeepAlive<T, U> extends FlowStage<T, T | U> {
  constructor(
    readonly maxIdleMs: number,
    readonly injected: () => U,
  ) {
    super('keepAlive');
    requireDuration('keepAlive', 'maxIdleMs', maxIdleMs);
    requireFunction('keepAlive', 'injected', injected);
  }
  createLogic(attributes: Attributes): TimerGraphStageLogic {
    return new KeepAliveLogic(this, attributes.supervisionDecider);
  }
}

class KeepAliveLogic<T, U> extends TimerGraphStageLogic implements InHandler, OutHandler {
  private deadline = 0;
  constructor(
    private readonly stage: KeepAlive<T, U>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  private get now(): number {
    return this.materializer.scheduler.now();
  }
  override preStart(): void {
    this.deadline = this.now + this.stage.maxIdleMs;
    this.pull(this.stage.in);
  }
  onPush(): void {
    const s = this.stage;
    this.deadline = this.now + s.maxIdleMs;
    this.cancelTimer(IdleTimer);
    if (this.isAvailable(s.out)) {
      this.push(s.out, this.grab(s.in));
      this.pull(s.in);
    }
  }
  onUpstreamFinish(): void {
    if (!this.isAvailable(this.stage.in)) this.completeStage();
  }
  onPull(): void {
    const s = this.stage;
    if (this.isAvailable(s.in)) {
      this.push(s.out, this.grab(s.in));
      if (this.isClosed(s.in)) this.completeStage();
      else this.pull(s.in);
    } else {
      const wait = this.deadline - this.now;
      if (wait <= 0) this.inject();
      else this.scheduleOnce(IdleTimer, wait);
    }
  }
  protected onTimer(): void {
    if (this.isAvailable(this.stage.out)) {
      // Read the clock once: it moves between two reads, so a second read could give a negative wait.
      const wait = this.deadline - this.now;
      if (wait <= 0) this.inject();
      else this.scheduleOnce(IdleTimer, wait);
    }
  }
  private inject(): void {
    const s = this.stage;
    this.deadline = this.now + s.maxIdleMs;
    let x: U;
    try {
      x = s.injected();
    } catch (e) {
      if (decide(this.decider, e) === 'stop') return this.failStage(e);
      this.scheduleOnce(IdleTimer, s.maxIdleMs);
      return;
    }
    this.push(s.out, x);
  }
}
