/**
 * The CPU-heavy element function of the worker benchmark: ~20 µs of integer arithmetic (a fixed
 * number of rounds of a multiply-xorshift mix, calibrated by CPU time on the bench machine), returning
 * a number that depends on every round, so nothing can be optimized away. Shared by the in-process
 * contenders, the WorkerFlow module and the piscina task.
 */
export const HEAVY_ROUNDS = 12_000;

export function heavy(x: number): number {
  let h = x | 0;
  for (let i = 0; i < HEAVY_ROUNDS; i++) h = (Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) + i) | 0;
  return h >>> 0;
}
