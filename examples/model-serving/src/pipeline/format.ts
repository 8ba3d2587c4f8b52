/** 20000 → "20,000" (fixed locale: output must not depend on the machine). */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Milliseconds with a precision that suits their size: "0.012 ms", "4.21 ms", "130.5 ms"; "-" for null. */
export function formatMs(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 1) return `${ms.toFixed(3)} ms`;
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(1)} ms`;
}

export function formatPercent(share: number | null): string {
  return share === null ? '-' : `${(share * 100).toFixed(1)}%`;
}
