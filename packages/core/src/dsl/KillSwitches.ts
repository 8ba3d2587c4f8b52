import { KillSwitchBidiStage, SharedKillSwitch, singleKillSwitch, type UniqueKillSwitch } from '../operators/killSwitch.js';
import { requireNonEmptyString } from '../operators/validate.js';
import type { Graph } from '../stage/GraphStage.js';
import type { FlowShape } from '../stage/Shape.js';
import { BidiFlow } from './BidiFlow.js';

export { type KillSwitch, SharedKillSwitch, UniqueKillSwitch } from '../operators/killSwitch.js';

/**
 * Kill switches stop running streams from outside.
 *
 * @example
 * const [sw, done] = Source.tick(0, 1000, 'ping')
 *   .viaMat(KillSwitches.single<string>(), Keep.right)
 *   .toMat(Sink.foreach(console.log), Keep.both)
 *   .run();
 * sw.shutdown(); // completes the stream; sw.abort(err) would fail it
 */
export const KillSwitches = {
  /**
   * A pass-through flow that materializes a `UniqueKillSwitch` controlling this one materialization:
   * `shutdown()` completes downstream and cancels upstream; `abort(error)` fails downstream and cancels
   * upstream with the error.
   *
   * - **Emits when** upstream emits.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes, or `shutdown()` is called.
   * - **Fails when** upstream fails, or `abort(error)` is called.
   * - **Cancels when** downstream cancels, or the switch is used.
   */
  single<T>(): Graph<FlowShape<T, T>, UniqueKillSwitch> {
    return singleKillSwitch<T>();
  },

  /**
   * A bidi stage (both directions pass through unchanged) that materializes a `UniqueKillSwitch`
   * stopping both directions: `shutdown()` completes both outlets and cancels both inlets;
   * `abort(error)` fails both outlets and cancels both inlets with the error.
   *
   * - **Emits when** the inlet of that direction emits.
   * - **Backpressures when** the outlet of that direction backpressures.
   * - **Completes when** (per direction) its inlet completes, or `shutdown()` is called (both).
   * - **Cancels when** (per direction) its outlet cancels, or the switch is used (both).
   *
   * @example
   * const guarded = KillSwitches.singleBidi<Request, Response>().joinMat(connection, Keep.left); // Flow<Request, Response, UniqueKillSwitch>
   */
  singleBidi<T1, T2>(): BidiFlow<T1, T1, T2, T2, UniqueKillSwitch> {
    return BidiFlow.fromGraph(new KillSwitchBidiStage<T1, T2>());
  },

  /**
   * A kill switch shared by any number of streams: add `sw.flow<T>()` to each; one `shutdown()` or
   * `abort(error)` stops all of them, including streams materialized afterwards (they stop at once).
   */
  shared(name: string): SharedKillSwitch {
    requireNonEmptyString('KillSwitches.shared', 'name', name);
    return new SharedKillSwitch(name);
  },
} as const;
