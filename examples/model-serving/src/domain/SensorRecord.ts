/**
 * One telemetry reading of a machine, the data side of the model-serving example.
 * `label` is the ground truth ("failed within the hour"): present in generated data so that the
 * accuracy of a model can be measured while it serves.
 */
export interface SensorRecord {
  readonly deviceId: string;
  /** When the record was created, in epoch milliseconds (fractional): the start of its latency. */
  readonly ts: number;
  readonly temperature: number;
  readonly vibration: number;
  readonly pressure: number;
  readonly rpm: number;
  readonly label?: 0 | 1;
}

/** The numeric readings a model may use, in their canonical order. */
export const SENSOR_FEATURES = ['temperature', 'vibration', 'pressure', 'rpm'] as const;
export type SensorFeature = (typeof SENSOR_FEATURES)[number];

export function isSensorFeature(name: unknown): name is SensorFeature {
  return typeof name === 'string' && (SENSOR_FEATURES as readonly string[]).includes(name);
}
