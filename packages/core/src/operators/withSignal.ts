import type { Attributes } from '../stage/Attributes.js';
import { type AsyncCallback, GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { FlowStage } from './FlowStage.js';
import { describe } from './validate.js';

export interface WithSignalOptions {
  /**
   * What an abort does: `'fail'` (the default) fails downstream with `signal.reason` and cancels
   * upstream with it; `'complete'` completes downstream and cancels upstream.
   */
  readonly onAbort?: 'fail' | 'complete';
}

function isAbortSignal(s: unknown): s is AbortSignal {
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof (s as AbortSignal).addEventListener === 'function' &&
    typeof (s as AbortSignal).removeEventListener === 'function' &&
    'aborted' in s
  );
}

/**
 * `withSignal(signal, options)`: passes elements through until `signal` aborts, then fails with
 * `signal.reason` (or completes, with `onAbort: 'complete'`). An already aborted signal ends the
 * stream as soon as it starts. The abort listener is removed when the stage stops.
 */
export class WithSignal<T> extends FlowStage<T, T> {
  readonly completeOnAbort: boolean;
  constructor(
    readonly signal: AbortSignal,
    options: WithSignalOptions = {},
  ) {
    super('withSignal');
    if (!isAbortSignal(signal)) throw new TypeError(`withSignal: signal must be an AbortSignal, got ${describe(signal)}`);
    const mode = options?.onAbort ?? 'fail';
    if (mode !== 'fail' && mode !== 'complete') throw new RangeError(`withSignal: onAbort must be 'fail' or 'complete', got ${describe(mode)}`);
    this.completeOnAbort = mode === 'complete';
  }
  createLogic(_attributes: Attributes): GraphStageLogic {
    return new WithSignalLogic(this);
  }
}

class WithSignalLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  private listener: (() => void) | null = null;
  private readonly onAbort: AsyncCallback<undefined>;
  constructor(private readonly stage: WithSignal<T>) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
    this.onAbort = this.getAsyncCallback(() => this.abort());
  }
  override preStart(): void {
    const signal = this.stage.signal;
    if (signal.aborted) return this.abort();
    const listener = (): void => this.onAbort.invoke(undefined);
    this.listener = listener;
    signal.addEventListener('abort', listener, { once: true });
  }
  private abort(): void {
    if (this.stage.completeOnAbort) this.completeStage();
    else this.failStage(this.stage.signal.reason);
  }
  onPush(): void {
    this.push(this.stage.out, this.grab(this.stage.in));
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
  override postStop(): void {
    if (this.listener !== null) this.stage.signal.removeEventListener('abort', this.listener);
    this.listener = null;
  }
}
