/**
 * Shared helpers for the file connector tests (not a test file itself): a fresh temp dir per test, and
 * the leak checks every test runs — no descriptor of the test's files left open, no fs request, fs
 * watcher or timer left behind by a stream.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Materializer } from '@tributary/core';
import { afterEach, beforeEach, expect } from 'vitest';

/** Resource kinds (as `process.getActiveResourcesInfo()` names them) that a file stream may hold. */
const StreamResources = ['FSReqCallback', 'FSReqPromise', 'FileHandle', 'FileHandleCloseReq', 'FSEventWrap', 'StatWatcher', 'Timeout'];

function countResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) if (StreamResources.includes(r)) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts;
}

/** Descriptors of this process that point into `dir` (Linux: /proc/self/fd). */
export function openDescriptorsUnder(dir: string): string[] {
  const found: string[] = [];
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir)) found.push(`${fd} → ${target}`);
    } catch {
      // the descriptor readdir itself used, closed meanwhile
    }
  }
  return found;
}

/** Waits (real time, bounded) until `cond()` holds; fails with `what` if it never does. */
export async function eventually(cond: () => boolean, what: () => string, timeoutMs = 10_000, everyMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what()}`);
    await new Promise<void>((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise<void>((r) => setTimeout(r, ms));

export interface TempDir {
  /** The directory itself (absolute). */
  readonly path: string;
  /** `path.join(dir, ...parts)`. */
  file(...parts: string[]): string;
  /**
   * Makes `file` immutable with `chattr +i`: even root cannot open it for writing (EPERM). Tests run as
   * root, which ignores permission bits, so this is how they get a real "permission denied". Throws (the
   * test fails loudly) when chattr is missing or the file system does not support the attribute. The
   * attribute is removed when the test ends.
   */
  makeImmutable(file: string): void;
}

/**
 * Gives each test a fresh temp dir, removed afterwards, and checks after each test that nothing the
 * test's streams opened is still open: no descriptor into the dir, and no more fs requests, watchers or
 * timers than before the test. A stream may still be closing its file when the test's last promise
 * settles (a tail source cancelled by `take`, a stream stopped abruptly), so the check waits for that —
 * boundedly. (Tests of FileIO check separately that its descriptor is closed before its promises settle.)
 */
export function useTempDir(): TempDir {
  let dir = '';
  let baseline = new Map<string, number>();
  const immutable: string[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-file-'));
    baseline = countResources();
  });
  afterEach(async () => {
    try {
      const leaked = (): string[] => {
        const now = countResources();
        const extra = [...now].filter(([k, n]) => n > (baseline.get(k) ?? 0)).map(([k, n]) => `${k} ×${n - (baseline.get(k) ?? 0)}`);
        return [...extra, ...openDescriptorsUnder(dir)];
      };
      await eventually(
        () => leaked().length === 0,
        () => `streams to release their resources; still held: ${leaked().join(', ')}`,
      );
    } finally {
      for (const f of immutable.splice(0)) execFileSync('chattr', ['-i', f]);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  return {
    get path() {
      return dir;
    },
    file: (...parts: string[]) => path.join(dir, ...parts),
    makeImmutable(file: string): void {
      execFileSync('chattr', ['+i', file]);
      immutable.push(file);
    },
  };
}

/** Bytes that reveal reordering, loss or duplication: each 4-byte word is its own offset / 4. */
export function patternBytes(length: number, seed = 0): Buffer {
  const b = Buffer.allocUnsafe(length);
  let i = 0;
  for (; i + 4 <= length; i += 4) b.writeUInt32LE(((i >>> 2) + seed) >>> 0, i);
  for (; i < length; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

export function randomBuffer(length: number): Buffer {
  return randomBytes(length);
}

export function expectSameBytes(actual: Buffer, expected: Buffer): void {
  expect(actual.length).toBe(expected.length);
  if (!actual.equals(expected)) {
    let i = 0;
    while (i < actual.length && actual[i] === expected[i]) i++;
    throw new Error(`bytes differ first at offset ${i} of ${actual.length}`);
  }
}

/** A materializer that does not log the failures the tests provoke on purpose. */
export function quietMaterializer(): Materializer {
  return new Materializer({ logger: null });
}
