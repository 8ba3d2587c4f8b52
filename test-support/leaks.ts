/**
 * The leak check the HTTP, WebSocket and docs-example tests end with: no socket, server or timer of ours
 * may outlive a test. Closing is asynchronous, leaking is not, so the check waits a little first.
 */
import { expect } from 'vitest';

/** Resources the event loop holds, by kind ('TCPServerWrap', 'TCPSocketWrap', 'Timeout', …). */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

/** The kinds every leak check watches: sockets, servers and timers. */
export const watchedResources: readonly string[] = ['TCPServerWrap', 'TCPSocketWrap', 'TCPWrap', 'Timeout', 'Immediate'];

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Waits (up to 2 s) until no more resources of the `watched` kinds are active than `before`, then
 * asserts it.
 */
export async function expectNoLeaks(before: Record<string, number>, watched: readonly string[] = watchedResources): Promise<void> {
  const excess = (): Record<string, number> => {
    const now = activeResources();
    const out: Record<string, number> = {};
    for (const k of watched) {
      const d = (now[k] ?? 0) - (before[k] ?? 0);
      if (d > 0) out[k] = d;
    }
    return out;
  };
  for (let i = 0; i < 100 && Object.keys(excess()).length > 0; i++) await sleep(20);
  expect(excess()).toEqual({});
}
