// piscina task module: one task per element (piscina calls the named export).
import { heavy as heavyFn } from './heavy.js';

export function heavy(x: number): number {
  return heavyFn(x);
}

export function double(x: number): number {
  return x * 2;
}
