/**
 * Helpers shared by the byte-operator tests (not a test file itself).
 */

import { type Flow, FramingError, Materializer, Sink, Source } from '@tributary/core';
import type { TestSubscriberProbe } from '@tributary/testkit';
import { expect } from 'vitest';
import { probe } from '../operators/harness.js';

export { boom, expectRequests, QUIET_MS } from '../operators/harness.js';

/** The UTF-8 bytes of `s`. */
export function b(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

/** A byte flow between probes, with its output shown as strings (map is one-to-one: demand is unchanged). */
export function probeText(flow: Flow<Uint8Array, Buffer>) {
  return probe(flow.map((frame) => frame.toString('utf8')));
}

/** Runs `chunks` through `flow` and returns the output as strings. */
export async function runText(flow: Flow<Uint8Array, Buffer>, chunks: readonly (string | Uint8Array)[]): Promise<string[]> {
  const frames = await Source.from(chunks.map((c) => (typeof c === 'string' ? b(c) : c)))
    .via(flow)
    .runWith(Sink.seq());
  return frames.map((f) => f.toString('utf8'));
}

/** Expects the probe to fail with a FramingError carrying exactly `message`. */
export async function expectFramingError<T>(down: TestSubscriberProbe<T>, message: string): Promise<void> {
  const e = await down.expectError();
  expect(e).toBeInstanceOf(FramingError);
  expect((e as Error).name).toBe('FramingError');
  expect((e as Error).message).toBe(message);
}

/** Runs `chunks` through `flow` expecting failure; returns the error (elements before it are ignored). */
export async function runToError(flow: Flow<Uint8Array, unknown>, chunks: readonly (string | Uint8Array)[]): Promise<Error> {
  const quiet = new Materializer({ logger: null }); // the failure is expected: no log line for it
  try {
    await Source.from(chunks.map((c) => (typeof c === 'string' ? b(c) : c)))
      .via(flow)
      .runWith(Sink.ignore(), quiet);
  } catch (e) {
    return e as Error;
  } finally {
    quiet.shutdown();
  }
  throw new Error('expected the stream to fail, but it completed');
}

/** Byte equality without vitest's element-by-element deep equality (slow on large buffers); says where they differ. */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  if (Buffer.compare(actual, expected) === 0) return;
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  expect.fail(`bytes differ: ${actual.length} bytes vs ${expected.length} expected, first difference at offset ${i}`);
}
