import { Materializer } from '@tributary/core';
import { ProbeTimeoutError } from './Expectations.js';

/** What `settle` needs of a materializer: whether its islands have work queued or running. */
export interface IdleObservable {
  readonly isIdle: boolean;
  /** Grows each time the materializer runs islands. */
  readonly runCount: number;
}

export interface SettleOptions {
  /** How long (real time) the streams may stay busy before `settle` fails. Default 3000 ms. */
  readonly timeoutMs?: number;
  /**
   * Consecutive event-loop turns in which no island may run and after which none may have work
   * queued. Default 3: besides promise chains (which always finish within one turn), work that hops
   * through a couple of `setImmediate`s is waited for too.
   */
  readonly idleTurns?: number;
}

const turn = (): Promise<void> => new Promise<void>((r) => setImmediate(r));

/**
 * Waits until the streams of `materializer` are idle: no island ran during `idleTurns` consecutive
 * event-loop turns and none has work queued — so every promise the streams were waiting on that
 * settles without a timer or I/O has settled, and its effect (an element, a completion, a demand
 * signal) has gone as far as it goes. What remains waits on something outside: a timer, I/O, a probe.
 *
 * `check`, if given, runs after each turn and may throw to stop waiting early (a probe uses it to fail
 * as soon as a message arrives). Fails with `ProbeTimeoutError` if the streams stay busy for
 * `timeoutMs` (a stream that never stops working — then a real-time window is the only option).
 */
export async function settle(materializer: IdleObservable = Materializer.default, options: SettleOptions = {}, check?: () => void): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 3000;
  const idleTurns = options.idleTurns ?? 3;
  if (!Number.isInteger(idleTurns) || idleTurns < 1) throw new RangeError(`settle: idleTurns must be a positive integer, got ${String(idleTurns)}`);
  const deadline = Date.now() + timeoutMs;
  let idleFor = 0;
  let runs = materializer.runCount;
  for (;;) {
    await turn();
    check?.();
    const now = materializer.runCount;
    idleFor = materializer.isIdle && now === runs ? idleFor + 1 : 0;
    runs = now;
    if (idleFor >= idleTurns) return;
    if (Date.now() > deadline)
      throw new ProbeTimeoutError(`settle: the streams were still busy after ${timeoutMs} ms (use a real-time window for a stream that never stops working)`);
  }
}
