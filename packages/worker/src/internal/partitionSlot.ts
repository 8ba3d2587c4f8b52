/**
 * Which of `threads` workers a partition key goes to: the same one for equal keys, in every run.
 * Integers go to `key mod threads` (so keys 0..n-1 spread over n workers evenly); other keys are
 * hashed (FNV-1a over their string form). Returns undefined for a key of another type.
 */
export function partitionSlot(key: unknown, threads: number): number | undefined {
  switch (typeof key) {
    case 'number':
      return Number.isInteger(key) ? ((key % threads) + threads) % threads : fnv1a(String(key)) % threads;
    case 'string':
      return fnv1a(key) % threads;
    case 'bigint': {
      const n = BigInt(threads);
      return Number(((key % n) + n) % n);
    }
    case 'boolean':
      return (key ? 1 : 0) % threads;
    default:
      return undefined;
  }
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
