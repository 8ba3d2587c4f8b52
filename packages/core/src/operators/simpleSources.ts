/** Trivial sources: empty, failed, never, repeat. */
import { GraphStageLogic, type OutHandler } from '../stage/GraphStageLogic.js';
import type { SourceShape } from '../stage/Shape.js';
import { SourceStage } from './SourceStage.js';

/** Ends at start: completes (no error) or fails (with the error); never emits. */
class TerminalLogic extends GraphStageLogic implements OutHandler {
  constructor(
    shape: SourceShape<unknown>,
    private readonly error: unknown,
    private readonly fails: boolean,
  ) {
    super(shape);
    this.setHandler(shape.out, this);
  }
  override preStart(): void {
    if (this.fails) this.failStage(this.error);
    else this.completeStage();
  }
  onPull(): void {}
}

/** `Source.empty()`: completes immediately. */
export class EmptySource<T> extends SourceStage<T> {
  constructor() {
    super('empty');
  }
  createLogic(): GraphStageLogic {
    return new TerminalLogic(this.shape, undefined, false);
  }
}

/** `Source.failed(error)`: fails immediately with `error`. */
export class FailedSource<T> extends SourceStage<T> {
  constructor(readonly error: unknown) {
    super('failed');
  }
  createLogic(): GraphStageLogic {
    return new TerminalLogic(this.shape, this.error, true);
  }
}

class NeverLogic extends GraphStageLogic implements OutHandler {
  constructor(shape: SourceShape<unknown>) {
    super(shape);
    this.setHandler(shape.out, this);
  }
  onPull(): void {}
}

/** `Source.never()`: never emits, never completes; ends only when cancelled. */
export class NeverSource<T> extends SourceStage<T> {
  constructor() {
    super('never');
  }
  createLogic(): GraphStageLogic {
    return new NeverLogic(this.shape);
  }
}

/** `Source.repeat(x)`: emits `x` on every pull, forever. */
export class RepeatSource<T> extends SourceStage<T> {
  constructor(readonly element: T) {
    super('repeat');
  }
  createLogic(): GraphStageLogic {
    return new RepeatLogic(this);
  }
}

class RepeatLogic<T> extends GraphStageLogic implements OutHandler {
  constructor(private readonly stage: RepeatSource<T>) {
    super(stage.shape);
    this.setHandler(stage.out, this);
  }
  onPull(): void {
    this.push(this.stage.out, this.stage.element);
  }
}
