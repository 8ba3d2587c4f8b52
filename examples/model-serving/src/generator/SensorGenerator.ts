import type { SensorRecord } from '../domain/SensorRecord.js';
import { SeededRandom } from './SeededRandom.js';

/** How many machines the generated telemetry comes from, unless told otherwise. */
export const DEFAULT_DEVICE_COUNT = 50;

interface Device {
  readonly id: string;
  readonly temperatureOffset: number;
  readonly vibrationOffset: number;
  readonly rpmOffset: number;
}

/**
 * Deterministic telemetry: the same seed gives the same devices, readings and labels. Each record
 * comes from a random device whose readings scatter around the device's own baseline; its label is
 * drawn from a hidden ground-truth rule (thresholds and an interaction no linear model can express)
 * plus noise, so no model can be perfect and models of different kinds score visibly differently.
 */
export class SensorGenerator {
  private readonly random: SeededRandom;
  private readonly devices: readonly Device[];

  constructor(seed: number, deviceCount: number = DEFAULT_DEVICE_COUNT) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`SensorGenerator: seed must be a safe integer, got ${seed}`);
    if (!Number.isInteger(deviceCount) || deviceCount <= 0) {
      throw new RangeError(`SensorGenerator: deviceCount must be a positive integer, got ${deviceCount}`);
    }
    this.random = new SeededRandom(seed);
    const width = String(deviceCount - 1).length;
    this.devices = Array.from({ length: deviceCount }, (_, i) => ({
      id: `device-${String(i).padStart(width, '0')}`,
      temperatureOffset: 4 * this.random.normal(),
      vibrationOffset: 0.08 * this.random.normal(),
      rpmOffset: 120 * this.random.normal(),
    }));
  }

  /** The next record, stamped with creation time `ts`. */
  next(ts: number): SensorRecord {
    const rnd = this.random;
    const device = this.devices[rnd.int(this.devices.length)]!;
    const temperature = 68 + device.temperatureOffset + 9 * rnd.normal();
    const vibration = Math.max(0, 0.5 + device.vibrationOffset + 0.006 * (temperature - 68) + 0.2 * rnd.normal());
    const pressure = 100 + 10 * rnd.normal();
    const rpm = 1500 + device.rpmOffset + 300 * rnd.normal();
    const label: 0 | 1 = rnd.next() < failureProbability(temperature, vibration, pressure, rpm) ? 1 : 0;
    return {
      deviceId: device.id,
      ts,
      temperature: round(temperature, 2),
      vibration: round(vibration, 3),
      pressure: round(pressure, 2),
      rpm: Math.round(rpm),
      label,
    };
  }
}

/** The hidden ground truth: the chance that a machine with these readings fails within the hour. */
function failureProbability(temperature: number, vibration: number, pressure: number, rpm: number): number {
  const hotAndShaking = temperature > 76 && vibration > 0.62 ? 3.2 : 0;
  const lowPressure = pressure < 88 ? 2.4 : 0;
  const overspeed = rpm > 1900 ? 1.8 : 0;
  const wear = 1.5 * (vibration - 0.5);
  const logit = 3 * (-1.0 + hotAndShaking + lowPressure + overspeed + wear);
  return 1 / (1 + Math.exp(-logit));
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
