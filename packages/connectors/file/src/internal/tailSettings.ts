import type { FileTailSettings } from './FileTailStage.js';
import { requireBoolean, requireFiniteNonNegativeInt, requireMillis, requirePath } from './validate.js';

export const DefaultTailChunkSize = 8192;
const DefaultPollingIntervalMs = 250;

/** The options `FileTailSource.create` and `lines` share. */
export interface TailOptions {
  readonly startingPosition?: number;
  readonly pollingIntervalMs?: number;
  readonly waitForFile?: boolean;
}

/** Validated settings of a tail stage; errors name `where`. */
export function tailSettings(where: string, path: unknown, o: TailOptions, maxChunkSize: number, endLineAtFileChange = false): FileTailSettings {
  return {
    path: requirePath(where, 'path', path),
    maxChunkSize,
    startingPosition: o.startingPosition === undefined ? 0 : requireFiniteNonNegativeInt(where, 'startingPosition', o.startingPosition),
    pollingIntervalMs: o.pollingIntervalMs === undefined ? DefaultPollingIntervalMs : requireMillis(where, 'pollingIntervalMs', o.pollingIntervalMs),
    waitForFile: o.waitForFile === undefined ? false : requireBoolean(where, 'waitForFile', o.waitForFile),
    endLineAtFileChange,
  };
}
