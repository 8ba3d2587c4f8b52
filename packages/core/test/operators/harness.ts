/**
 * Shared helpers for the operator probe tests (not a test file itself).
 */

import type { Flow } from '@tributary/core';
import { type TestPublisherProbe, TestSink, TestSource, type TestSubscriberProbe } from '@tributary/testkit';
import { expect } from 'vitest';

/** Short windows keep the suite fast; long enough for a stream island to react. */
export const QUIET_MS = 30;

/** Materializes `flow` between a TestSource probe (upstream) and a TestSink probe (downstream). */
export function probe<I, O>(flow: Flow<I, O, unknown>): [TestPublisherProbe<I>, TestSubscriberProbe<O>] {
  return flow.runWith(TestSource.probe<I>(), TestSink.probe<O>());
}

/** Expects exactly `n` pulls (requests of 1) from the stage under test, and then silence. */
export async function expectRequests(up: TestPublisherProbe<unknown>, n: number): Promise<void> {
  for (let i = 0; i < n; i++) expect(await up.expectRequest()).toBe(1);
  await up.expectNoMessageWhenIdle();
}

/** A distinct error object per test, so identity checks (`toBe`) mean something. */
export function boom(message = 'boom'): Error {
  return new Error(message);
}

/** Waits (real time, bounded) until `cond()` holds; fails the test if it never does. */
export async function eventually(cond: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise<void>((r) => setTimeout(r, 2));
  }
}
