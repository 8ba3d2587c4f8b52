/**
 * Clients nobody here wrote, for the endpoint tests (not a test file itself): the system `curl` (a
 * test that needs it fails loudly when it is missing, never skips), a server-sent-events parser for
 * what they receive, and the leak check every endpoint test ends with.
 */
import { execFile, execFileSync } from 'node:child_process';
import { expect } from 'vitest';
import WebSocketClient from 'ws';
import type { ScoredRecord } from '../src/domain/ScoredRecord.js';

let curlChecked = false;

function requireCurl(): void {
  if (curlChecked) return;
  try {
    execFileSync('curl', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('The model-serving endpoint tests need the system `curl` (apt-get install curl); it was not found on PATH');
  }
  curlChecked = true;
}

export interface CurlResult {
  readonly status: number;
  readonly body: string;
}

/** Runs `curl -sS <args>` and resolves with the status (from `-w`) and the body once curl exits. */
export function curl(args: readonly string[]): Promise<CurlResult> {
  requireCurl();
  const marker = '\n--curl-status:';
  return new Promise((resolve, reject) => {
    execFile(
      'curl',
      ['-sS', '--max-time', '60', '-w', `${marker}%{http_code}`, ...args],
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`curl ${args.join(' ')} failed: ${error.message}\n${stderr}`));
        const at = stdout.lastIndexOf(marker);
        resolve({ status: Number(stdout.slice(at + marker.length)), body: stdout.slice(0, at) });
      },
    );
  });
}

export interface ParsedEvent {
  readonly event: string;
  readonly data: string;
}

/** Splits a `text/event-stream` body into its events (comment lines — heartbeats — ignored). */
export function parseEventStream(body: string): ParsedEvent[] {
  const events: ParsedEvent[] = [];
  for (const block of body.split('\n\n')) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length > 0) events.push({ event, data: data.join('\n') });
  }
  return events;
}

/** The scored records of an event stream, asserting that none was skipped. */
export function scoredRecordsOf(body: string): ScoredRecord[] {
  const events = parseEventStream(body);
  expect(events.filter((e) => e.event !== 'message')).toEqual([]);
  return events.map((e) => JSON.parse(e.data) as ScoredRecord);
}

const Watched = ['TCPServerWrap', 'TCPSocketWrap', 'TCPWrap', 'Timeout', 'Immediate', 'PipeWrap', 'ProcessWrap', 'FSEventWrap', 'StatWatcher'];

/** Resources the event loop holds, by kind ('TCPServerWrap', 'FSEventWrap', 'Timeout', …). */
export function activeResources(): Record<string, number> {
  // Node opens the stdio pipes on first use (a worker thread's console output is relayed through
  // them): open them now, so that they count as there before and after.
  void process.stdout;
  void process.stderr;
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

/** Waits (a little) until no more servers, sockets, watchers or timers are active than `before`, then asserts it. */
export async function expectNoLeaks(before: Record<string, number>): Promise<void> {
  const excess = (): Record<string, number> => {
    const now = activeResources();
    const out: Record<string, number> = {};
    for (const k of Watched) {
      const d = (now[k] ?? 0) - (before[k] ?? 0);
      if (d > 0) out[k] = d;
    }
    return out;
  };
  for (let i = 0; i < 150 && Object.keys(excess()).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
  expect(excess()).toEqual({});
}

export interface StreamingClient {
  /** Resolves when the first `data:` line has arrived. */
  readonly firstData: Promise<void>;
  /** Resolves with everything received once the response has ended. */
  readonly done: Promise<string>;
}

/** `curl -sN url` as a child process, watched as it receives (for endpoints that stream until the run ends). */
export function curlStream(url: string): StreamingClient {
  requireCurl();
  let body = '';
  let sawData!: () => void;
  const firstData = new Promise<void>((resolve) => (sawData = resolve));
  const done = new Promise<string>((resolve, reject) => {
    const child = execFile('curl', ['-sSN', '--max-time', '60', url], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`curl -sSN ${url} failed: ${error.message}\n${stderr}`));
      else resolve(body);
    });
    child.stdout!.on('data', (chunk: string) => {
      body += chunk;
      if (body.includes('data: ')) sawData();
    });
  });
  done.catch(() => {});
  return {
    firstData: Promise.race([
      firstData,
      done.then(
        () => undefined,
        () => undefined,
      ),
    ]),
    done,
  };
}

/** `fetch(url)` of a streamed body, read as it arrives. */
export function fetchStream(url: string): StreamingClient & { readonly contentType: Promise<string | null> } {
  let sawData!: () => void;
  const firstData = new Promise<void>((resolve) => (sawData = resolve));
  let gotType!: (type: string | null) => void;
  const contentType = new Promise<string | null>((resolve) => (gotType = resolve));
  const done = (async () => {
    const response = await fetch(url);
    gotType(response.headers.get('content-type'));
    if (response.status !== 200 || response.body === null) throw new Error(`GET ${url} answered ${response.status}`);
    const decoder = new TextDecoder();
    let body = '';
    for await (const chunk of response.body) {
      body += decoder.decode(chunk, { stream: true });
      if (body.includes('data: ')) sawData();
    }
    return body + decoder.decode();
  })();
  done.catch(() => {});
  return {
    firstData: Promise.race([
      firstData,
      done.then(
        () => undefined,
        () => undefined,
      ),
    ]),
    done,
    contentType,
  };
}

export interface WebSocketSubscriber extends StreamingClient {
  /** The close code the server sent. */
  readonly closeCode: Promise<number>;
  readonly messages: string[];
  send(text: string): void;
}

/** A raw `ws` client (the npm package, not our connector): collects the text messages until the server closes. */
export function wsConnect(url: string): WebSocketSubscriber {
  const socket = new WebSocketClient(url);
  const messages: string[] = [];
  let sawData!: () => void;
  const firstData = new Promise<void>((resolve) => (sawData = resolve));
  let gotCode!: (code: number) => void;
  const closeCode = new Promise<number>((resolve) => (gotCode = resolve));
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const done = new Promise<string>((resolve, reject) => {
    socket.on('message', (data, isBinary) => {
      messages.push(isBinary ? `<binary ${String(data)}>` : String(data));
      sawData();
    });
    socket.once('close', (code) => {
      gotCode(code);
      resolve(messages.join('\n'));
    });
    socket.once('error', reject);
  });
  done.catch(() => {});
  opened.catch(() => {});
  return {
    firstData: Promise.race([
      firstData,
      done.then(
        () => undefined,
        () => undefined,
      ),
    ]),
    done,
    closeCode,
    messages,
    send: (text) => void opened.then(() => socket.send(text)),
  };
}
