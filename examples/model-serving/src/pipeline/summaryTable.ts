import type { ScoringStats } from '../scoring/ScoringState.js';
import { formatCount, formatMs, formatPercent } from './format.js';

/**
 * The end-of-run table: one row per model (records scored, accuracy against the records' labels,
 * p50/p99 latency from record creation to scored), a row for records that went out unscored, and
 * a line of totals.
 */
export function summaryTable(stats: ScoringStats, elapsedMs: number): string {
  const header = ['model', 'version', 'type', 'scored', 'accuracy', 'p50 latency', 'p99 latency'];
  const rows = stats.models.map((m) => [
    m.name,
    m.version,
    m.type,
    formatCount(m.scored),
    formatPercent(m.accuracy),
    formatMs(m.latency.p50Ms),
    formatMs(m.latency.p99Ms),
  ]);
  if (stats.unscored > 0) rows.push(['(no model yet)', '-', '-', `${formatCount(stats.unscored)} unscored`, '-', '-', '-']);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const numeric = new Set([3, 4, 5, 6]);
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  const out = stats.scored + stats.unscored;
  const seconds = elapsedMs / 1000;
  const totals =
    `${formatCount(out)} records out in ${seconds.toFixed(1)} s (${formatCount(Math.round(out / Math.max(seconds, 0.001)))} records/s): ` +
    `${formatCount(stats.scored)} scored, ${formatCount(stats.unscored)} unscored, ${formatCount(stats.badRecords)} bad records skipped; ` +
    `models: ${stats.modelsAccepted} accepted, ${stats.modelsRejected} rejected; ` +
    `latency p50 ${formatMs(stats.latency.p50Ms)}, p99 ${formatMs(stats.latency.p99Ms)}`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '', totals].join('\n');
}
