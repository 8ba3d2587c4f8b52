/**
 * Log-like text for the byte-stream scenarios: lines of about 100 bytes (timestamps, levels, ids, paths,
 * a few non-ASCII characters), cut into fixed-size chunks the way a file or socket delivers them —
 * chunk boundaries fall anywhere, mid-line and mid-character.
 */
const LEVELS = ['INFO', 'WARN', 'DEBUG', 'ERROR'] as const;

export interface LogData {
  readonly chunks: readonly Buffer[];
  readonly bytes: number;
  /** Lines in the text (the last one is terminated). */
  readonly lines: number;
}

export function logData(totalBytes: number, chunkSize = 64 * 1024): LogData {
  const parts: string[] = [];
  let bytes = 0;
  let lines = 0;
  for (let i = 0; bytes < totalBytes; i++) {
    const user = i % 97 === 0 ? 'zoë' : i % 89 === 0 ? 'José' : `user${i % 1000}`;
    const line = `2024-05-01T12:${String((i >> 6) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}Z ${LEVELS[i % 4]} [worker-${i % 16}] user=${user} GET /api/v1/items/${(i * 7919) % 100_003} status=${i % 50 === 0 ? 500 : 200} took=${(i * 31) % 997}ms\n`;
    parts.push(line);
    bytes += Buffer.byteLength(line);
    lines++;
  }
  const all = Buffer.from(parts.join(''), 'utf8');
  const chunks: Buffer[] = [];
  for (let o = 0; o < all.length; o += chunkSize) chunks.push(all.subarray(o, o + chunkSize));
  return { chunks, bytes: all.length, lines };
}
