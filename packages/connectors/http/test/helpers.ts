/**
 * Shared helpers of the HTTP connector tests: a client nobody here wrote (the system `curl`), and the
 * leak check every test ends with (no socket, server or timer of ours may outlive a test; the check
 * itself is test-support/leaks.ts, shared with the WebSocket tests).
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Http } from '@tributary/http';
import { expectNoLeaks as expectNoLeaksOf, watchedResources } from '../../../../test-support/leaks.js';

let curlChecked = false;
let curlCount = 0;

/** Fails loudly (never skips) when curl is not installed: these tests need a client we did not write. */
function requireCurl(): void {
  if (curlChecked) return;
  try {
    execFileSync('curl', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('The HTTP connector tests need the system `curl` (apt-get install curl); it was not found on PATH');
  }
  curlChecked = true;
}

export interface CurlResult {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** Runs curl with `args` (the URL among them) and returns the (last) response's status, headers and body. */
export function curl(args: readonly string[], input?: Buffer | string): Promise<CurlResult> {
  requireCurl();
  const headerFile = join(tmpdir(), `tributary-curl-${process.pid}-${++curlCount}.txt`);
  return new Promise((resolve, reject) => {
    const child = execFile(
      'curl',
      ['-sS', '-D', headerFile, '--max-time', '20', ...args],
      { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        let dump = '';
        try {
          dump = readFileSync(headerFile, 'latin1');
          rmSync(headerFile, { force: true });
        } catch {
          // no headers were received
        }
        if (error) return reject(new Error(`curl ${args.join(' ')} failed: ${error.message}\n${stderr.toString()}`));
        const blocks = dump.split(/\r\n\r\n/).filter((b) => /^HTTP\//.test(b));
        const last = blocks[blocks.length - 1] ?? '';
        const [statusLine = '', ...lines] = last.split('\r\n');
        const headers: Record<string, string> = {};
        for (const l of lines) {
          const i = l.indexOf(':');
          if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
        }
        resolve({ status: Number(statusLine.split(' ')[1]), headers, body: stdout });
      },
    );
    if (input !== undefined) child.stdin!.end(input);
    else child.stdin!.end();
  });
}

export { activeResources, sleep } from '../../../../test-support/leaks.js';

/**
 * The shared leak check (test-support/leaks.ts) after closing the connection pools, watching child
 * processes and pipes too (curl).
 */
export async function expectNoLeaks(before: Record<string, number>): Promise<void> {
  await Http.shutdownAllConnectionPools?.();
  await expectNoLeaksOf(before, [...watchedResources, 'PipeWrap', 'ProcessWrap']);
}
