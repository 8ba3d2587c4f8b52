/**
 * Shared helpers of the WebSocket connector tests: raw `ws` peers (a library nobody here wrote), the
 * leak check every test ends with (no socket, server or timer of ours may outlive a test), and waits.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocket as RawWebSocket, type ServerOptions, WebSocketServer } from 'ws';
import { sleep } from '../../../../test-support/leaks.js';

export { activeResources, expectNoLeaks, sleep } from '../../../../test-support/leaks.js';

/** Polls `condition` every 5 ms until it holds or `timeoutMs` passes (then fails with `what`). */
export async function eventually(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(5);
  }
}

/** A raw `ws` server on 127.0.0.1 and a free port; `connections` receives each accepted socket. */
export async function rawServer(
  options: ServerOptions = {},
): Promise<{ wss: WebSocketServer; url: string; next: () => Promise<RawWebSocket>; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, ...options });
  await once(wss, 'listening');
  const waiting: RawWebSocket[] = [];
  const takers: ((ws: RawWebSocket) => void)[] = [];
  wss.on('connection', (ws) => {
    const taker = takers.shift();
    if (taker !== undefined) taker(ws);
    else waiting.push(ws);
  });
  const port = (wss.address() as AddressInfo).port;
  return {
    wss,
    url: `ws://127.0.0.1:${port}`,
    next: () => {
      const ws = waiting.shift();
      return ws !== undefined ? Promise.resolve(ws) : new Promise((resolve) => takers.push(resolve));
    },
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve, reject) => wss.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

/** A raw `ws` client, open. */
export async function rawClient(url: string, protocols?: string[]): Promise<RawWebSocket> {
  const ws = new RawWebSocket(url, protocols);
  await once(ws, 'open');
  return ws;
}

/** Resolves with the next `n` messages of a raw socket (text as strings, binary as Buffers). */
export function rawMessages(ws: RawWebSocket, n: number): Promise<(string | Buffer)[]> {
  return new Promise((resolve) => {
    const got: (string | Buffer)[] = [];
    const onMessage = (data: Buffer, isBinary: boolean): void => {
      got.push(isBinary ? data : data.toString('utf8'));
      if (got.length === n) {
        ws.off('message', onMessage);
        resolve(got);
      }
    };
    ws.on('message', onMessage);
  });
}

/** Resolves with the code and reason of the socket's close. */
export function rawClosed(ws: RawWebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() })));
}
