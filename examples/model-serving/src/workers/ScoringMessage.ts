import type { SensorRecord } from '../domain/SensorRecord.js';

/**
 * What the main thread sends a scoring worker: the worker's share of the records, and every model
 * update (each worker gets its own copy, addressed by `worker`, the worker's index).
 */
export type ScoringMessage =
  | { readonly kind: 'data'; readonly record: SensorRecord }
  | { readonly kind: 'model'; readonly worker: number; readonly document: string | Uint8Array };
