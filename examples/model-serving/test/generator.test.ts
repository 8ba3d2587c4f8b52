import { describe, expect, it } from 'vitest';
import { parseSensorRecord } from '../src/domain/parseSensorRecord.js';
import { SeededRandom } from '../src/generator/SeededRandom.js';
import { SensorGenerator } from '../src/generator/SensorGenerator.js';

const take = (g: SensorGenerator, n: number) => Array.from({ length: n }, (_, i) => g.next(i));

describe('SensorGenerator', () => {
  it('is deterministic: the same seed gives the same records', () => {
    expect(take(new SensorGenerator(42), 500)).toEqual(take(new SensorGenerator(42), 500));
  });

  it('different seeds give different records', () => {
    const a = take(new SensorGenerator(1), 20);
    const b = take(new SensorGenerator(2), 20);
    expect(a).not.toEqual(b);
  });

  it('produces valid, labelled records from a fixed set of devices', () => {
    const records = take(new SensorGenerator(7, 10), 2000);
    for (const r of records) {
      expect(parseSensorRecord(r)).toBe(r);
      expect(r.label === 0 || r.label === 1).toBe(true);
    }
    const devices = new Set(records.map((r) => r.deviceId));
    expect(devices.size).toBe(10);
    expect([...devices].sort()[0]).toBe('device-0');
  });

  it('stamps each record with the creation time it is given', () => {
    const g = new SensorGenerator(3);
    expect(g.next(123.5).ts).toBe(123.5);
  });

  it('labels: a minority fails, and failures depend on the readings (not coin flips)', () => {
    const records = take(new SensorGenerator(11), 20_000);
    const failures = records.filter((r) => r.label === 1);
    const share = failures.length / records.length;
    expect(share).toBeGreaterThan(0.15);
    expect(share).toBeLessThan(0.45);
    const rate = (rs: typeof records) => rs.filter((r) => r.label === 1).length / rs.length;
    expect(rate(records.filter((r) => r.pressure < 85))).toBeGreaterThan(2 * rate(records.filter((r) => r.pressure > 105)));
  });

  it('rejects a seed or device count that is not an integer', () => {
    expect(() => new SensorGenerator(1.5)).toThrow(/seed must be a safe integer, got 1.5/);
    expect(() => new SensorGenerator(1, 0)).toThrow(/deviceCount must be a positive integer, got 0/);
  });
});

describe('SeededRandom', () => {
  it('uniform values lie in [0, 1) and have mean ~0.5; normals have mean ~0 and sd ~1', () => {
    const r = new SeededRandom(5);
    const u = Array.from({ length: 20_000 }, () => r.next());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(u.reduce((s, x) => s + x, 0) / u.length).toBeCloseTo(0.5, 1);
    const n = Array.from({ length: 20_000 }, () => r.normal());
    const mean = n.reduce((s, x) => s + x, 0) / n.length;
    const sd = Math.sqrt(n.reduce((s, x) => s + (x - mean) ** 2, 0) / n.length);
    expect(mean).toBeCloseTo(0, 1);
    expect(sd).toBeCloseTo(1, 1);
  });

  it('seeds beyond 32 bits give distinct streams', () => {
    expect(new SeededRandom(1).next()).not.toBe(new SeededRandom(1 + 2 ** 32).next());
  });
});
