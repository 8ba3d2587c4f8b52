/**
 * Helpers shared by the Node stream bridges (`fromReadable`, `asReadable`, `fromWritable`,
 * `fromDuplex`). Every Node event a bridge listens to is forwarded through an async callback, so the
 * stage reacts inside its island; listeners are removed in postStop, leaving a no-op 'error' listener
 * behind so that a late error from a stream we no longer own cannot crash the process.
 */
import type { EventEmitter } from 'node:events';
import { NonFailureCancellation } from '../impl/GraphInterpreter.js';

export type Listeners = Array<[event: string, listener: (...args: any[]) => void]>;

export function attach(emitter: EventEmitter, listeners: Listeners): void {
  for (const [event, listener] of listeners) emitter.on(event, listener);
}

const ignore = (): void => {};

export function detach(emitter: EventEmitter, listeners: Listeners): void {
  for (const [event, listener] of listeners) emitter.removeListener(event, listener);
  if (!emitter.listeners('error').includes(ignore)) emitter.on('error', ignore);
}

/** The error for a Node stream that closed before it ended/finished (Node's own code for it). */
export function prematureClose(where: string, what: string): Error {
  return Object.assign(new Error(`${where}: the ${what} closed before it ${what === 'Writable' ? 'finished' : 'ended'} (premature close)`), {
    code: 'ERR_STREAM_PREMATURE_CLOSE',
  });
}

/** The reason to hand to a destroyed/cancelled external stream: failures pass on, plain cancellation does not. */
export function failureCause(cause: unknown): unknown {
  return cause instanceof NonFailureCancellation ? undefined : cause;
}

export function requireStream(where: string, value: unknown, kind: 'Readable' | 'Writable' | 'Duplex'): void {
  const v = value as Record<string, unknown> | null;
  const ok =
    v !== null &&
    typeof v === 'object' &&
    typeof v.on === 'function' &&
    (kind === 'Writable' ? typeof v.write === 'function' : typeof v.read === 'function') &&
    (kind !== 'Duplex' || typeof v.write === 'function');
  if (!ok) throw new TypeError(`${where}: the factory must return a Node ${kind} stream, got ${v === null ? 'null' : typeof v}`);
}
