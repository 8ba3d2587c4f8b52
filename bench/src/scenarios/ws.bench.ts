/**
 * WebSocket: `@tributary/ws` on both ends against raw `ws` on both ends, written the way a careful user
 * writes it (the sender stops at a `bufferedAmount` limit and resumes from the send callback; the echo
 * server pauses the socket it reads while the one it writes is over the limit). Server and client run
 * in this process, on 127.0.0.1.
 *
 *   wsEcho     N small text messages (22 bytes) sent by the client, echoed by the server, counted by
 *              the client.
 *   wsBinary   N MiB sent by the server in 64 KiB binary messages, counted by the client.
 *
 * Both sides use a 1 MiB `bufferedAmount` limit (Tributary's default `maxBufferedBytes`).
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Flow, Sink, Source } from '@tributary/core';
import type { ServerBinding } from '@tributary/http';
import { type Message, WebSocket, WebSocketSettings } from '@tributary/ws';
import { WebSocket as RawWebSocket, WebSocketServer } from 'ws';
import type { Scenario } from '../harness.js';

const MiB = 1024 * 1024;
const LIMIT = MiB;
const SMALL = 'hello websocket 012345';
const CHUNK = Buffer.alloc(64 * 1024, 42);
const settings = WebSocketSettings.default
  .withKeepAliveMs(0)
  .withMaxBufferedBytes(LIMIT)
  .withMaxPayload(4 * MiB);

/** A raw ws server on a free port; `onConnection` serves each client. */
async function rawServer(onConnection: (ws: RawWebSocket) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 4 * MiB });
  await once(wss, 'listening');
  wss.on('connection', onConnection);
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => wss.close(() => resolve())),
  };
}

/** Sends `message` `count` times, stopping at the limit and resuming from the last send's callback. */
function pump(ws: RawWebSocket, count: number, message: string | Buffer, done?: () => void): void {
  let sent = 0;
  const go = (): void => {
    while (sent < count) {
      sent++;
      if (sent === count) {
        ws.send(message, done === undefined ? undefined : () => done());
        return;
      }
      if (ws.bufferedAmount >= LIMIT) {
        ws.send(message, go);
        return;
      }
      ws.send(message);
    }
  };
  go();
}

/** The careful raw echo: while the reply side is over the limit, stop reading the socket. */
function rawEcho(ws: RawWebSocket): void {
  let paused = false;
  const drained = (): void => {
    if (paused && ws.bufferedAmount < LIMIT) {
      paused = false;
      ws.resume();
    }
  };
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const over = ws.bufferedAmount >= LIMIT;
    ws.send(isBinary ? data : data.toString('utf8'), over ? drained : undefined);
    if (over && !paused) {
      paused = true;
      ws.pause();
    }
  });
}

export function wsEcho(n: number): Scenario {
  let raw: { url: string; close: () => Promise<void> } | null = null;
  let binding: ServerBinding | null = null;
  return {
    name: 'wsEcho',
    description: `${n} small text messages echoed by a server to the client that sent them, over one connection`,
    elements: n,
    baseline: 'raw-ws',
    contenders: [
      {
        name: 'raw-ws',
        note: 'ws server echoing (pause() while over 1 MiB buffered, resume from the send callback); ws client sending with the same limit, counting replies',
        setup: async () => {
          raw = await rawServer(rawEcho);
        },
        run: async () => {
          const ws = new RawWebSocket(raw!.url);
          await once(ws, 'open');
          let received = 0;
          const all = new Promise<void>((resolve) =>
            ws.on('message', () => {
              if (++received === n) resolve();
            }),
          );
          pump(ws, n, SMALL);
          await all;
          ws.close(1000);
          await once(ws, 'close');
          return received;
        },
        teardown: async () => {
          await raw!.close();
        },
      },
      {
        name: 'tributary',
        note: 'WebSocket.bind(Flow.create()) echo; Source.repeat → WebSocket.clientFlow → take(n) → Sink.fold count',
        setup: async () => {
          binding = await WebSocket.bind({ host: '127.0.0.1', port: 0, settings }, Flow.create<Message>());
        },
        run: () =>
          Source.repeat(SMALL)
            .take(n)
            .concat(Source.never())
            .via(WebSocket.clientFlow(`ws://127.0.0.1:${binding!.port}`, settings))
            .take(n)
            .runWith(Sink.fold(0, (count: number) => count + 1)),
        teardown: async () => {
          await binding!.terminate(1000);
        },
      },
    ],
  };
}

export function wsBinary(mib: number): Scenario {
  const count = (mib * MiB) / CHUNK.length;
  let raw: { url: string; close: () => Promise<void> } | null = null;
  let binding: ServerBinding | null = null;
  return {
    name: 'wsBinary',
    description: `${mib} MiB sent by the server in 64 KiB binary messages, counted by the client (elements/s = MiB/s)`,
    elements: mib,
    baseline: 'raw-ws',
    contenders: [
      {
        name: 'raw-ws',
        note: 'ws server sending with a 1 MiB bufferedAmount limit (resuming from the send callback), then close; ws client counting bytes',
        setup: async () => {
          raw = await rawServer((ws) => pump(ws, count, CHUNK, () => ws.close(1000)));
        },
        run: async () => {
          const ws = new RawWebSocket(raw!.url, { maxPayload: 4 * MiB });
          let bytes = 0;
          ws.on('message', (data: Buffer) => (bytes += data.length));
          await once(ws, 'close');
          return bytes;
        },
        teardown: async () => {
          await raw!.close();
        },
      },
      {
        name: 'tributary',
        note: 'WebSocket.bind(handleMessagesWithSinkSource(Sink.ignore, Source.repeat(64 KiB).take)); Source.never → WebSocket.clientFlow → Sink.fold bytes',
        setup: async () => {
          binding = await WebSocket.bind({ host: '127.0.0.1', port: 0, settings }, () =>
            WebSocket.handleMessagesWithSinkSource(Sink.ignore(), Source.repeat(CHUNK).take(count)),
          );
        },
        run: () =>
          Source.never<string>()
            .via(WebSocket.clientFlow(`ws://127.0.0.1:${binding!.port}`, settings))
            .runWith(Sink.fold(0, (bytes: number, m: Message) => bytes + m.length)),
        teardown: async () => {
          await binding!.terminate(1000);
        },
      },
    ],
  };
}

export const wsScenarios = {
  wsEcho: (n: number) => wsEcho(n),
  wsBinary: (n: number) => wsBinary(n),
} as const;
