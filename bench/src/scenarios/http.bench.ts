/**
 * HTTP: the `@tributary/http` client and server against raw undici, `fetch` and a bare node:http
 * server. Servers run in child processes (httpServer.child.ts); the bench process is the client.
 *
 *   httpGets       N small GETs, 32 in flight over 4 connections: Http.hostConnectionPool vs
 *                  undici.Pool.request vs fetch (32 in flight; fetch's global agent opens as many
 *                  connections as it likes), against one bare node:http server.
 *   httpServe      N small GETs from an undici pool (64 in flight over 16 connections) against a
 *                  bare node:http server (baseline) and Http.newServerAt(...).bind(handler).
 *   httpUpload     N MiB streamed up, 64 KiB chunks: raw undici + node:http vs Tributary on both
 *                  sides (HttpEntity.streamed into Http.singleRequest, read by a bind handler's dataBytes).
 *   httpDownload   N MiB streamed down: raw node:http + undici vs Tributary on both sides.
 *
 * Elements: requests for the first two, MiB for the transfers (elements/s is MiB/s there).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Sink, Source } from '@tributary/core';
import { ConnectionPoolSettings, Http, HttpEntity, HttpRequest } from '@tributary/http';
import { Pool } from 'undici';
import type { Scenario } from '../harness.js';
import { Chunk, SmallJson } from './httpServer.child.js';

const MiB = 1024 * 1024;
const children = new Map<string, Promise<string>>();
const running: ChildProcess[] = [];
process.once('exit', () => {
  for (const c of running) c.kill();
});

/** The origin of a child server in `mode` (started once, stopped when the bench exits). */
function server(mode: 'plain' | 'tributary'): Promise<string> {
  let origin = children.get(mode);
  if (origin === undefined) {
    origin = new Promise<string>((resolve, reject) => {
      const child = fork(fileURLToPath(new URL('./httpServer.child.js', import.meta.url)), [mode], { stdio: 'inherit' });
      running.push(child);
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the ${mode} HTTP server exited with ${code}`)));
      child.once('message', (m: { port: number }) => {
        child.unref();
        child.channel?.unref();
        resolve(`http://127.0.0.1:${m.port}`);
      });
    });
    children.set(mode, origin);
  }
  return origin;
}

/** Runs `n` calls of `one` with `concurrency` in flight; returns the sum of their results. */
async function concurrently(n: number, concurrency: number, one: () => Promise<number>): Promise<number> {
  let next = 0;
  let total = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      next++;
      const result = await one();
      total += result;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return total;
}

const poolSettings = ConnectionPoolSettings.default.withMaxConnections(4).withMaxOpenRequests(32);

export function httpGets(n: number): Scenario {
  let origin = '';
  const setup = async (): Promise<void> => {
    origin = await server('plain');
  };
  return {
    name: 'httpGets',
    description: `${n} small GETs, 32 in flight over 4 connections, against a bare node:http server (bytes read)`,
    elements: n,
    baseline: 'undici-pool',
    contenders: [
      {
        name: 'undici-pool',
        note: 'undici.Pool({ connections: 4 }).request, 32 concurrent loops, body.text()',
        setup,
        run: async () => {
          const pool = new Pool(origin, { connections: 4 });
          const total = await concurrently(n, 32, async () => {
            const { body } = await pool.request({ path: '/small', method: 'GET' });
            return (await body.text()).length;
          });
          await pool.close();
          return total;
        },
      },
      {
        name: 'tributary',
        note: 'Source.range → Http.hostConnectionPool(4 connections, maxOpenRequests 32) → mapAsyncUnordered(32, entity.text())',
        setup,
        run: () =>
          Source.range(1, n)
            .map((i) => [HttpRequest.get('/small'), i] as const)
            .via(Http.hostConnectionPool<number>(origin, poolSettings))
            .mapAsyncUnordered(32, async ([r]) => {
              if (!r.ok) throw r.error;
              return (await r.value.entity.text()).length;
            })
            .runWith(Sink.fold(0, (a, b: number) => a + b)),
      },
      {
        name: 'fetch',
        note: "Node's global fetch, 32 concurrent loops, response.text()",
        setup,
        run: () => concurrently(n, 32, async () => (await (await fetch(`${origin}/small`)).text()).length),
      },
    ],
  };
}

export function httpServe(n: number): Scenario {
  const load = async (origin: string): Promise<number> => {
    const pool = new Pool(origin, { connections: 16 });
    const total = await concurrently(n, 64, async () => {
      const { body } = await pool.request({ path: '/small', method: 'GET' });
      return (await body.text()).length;
    });
    await pool.close();
    return total;
  };
  let plainOrigin = '';
  let tributaryOrigin = '';
  return {
    name: 'httpServe',
    description: `${n} small JSON GETs from an undici pool (64 in flight, 16 connections) to a server in a child process`,
    elements: n,
    baseline: 'node-http',
    contenders: [
      {
        name: 'node-http',
        note: 'bare http.createServer writing the JSON with content-length',
        setup: async () => {
          plainOrigin = await server('plain');
        },
        run: () => load(plainOrigin),
      },
      {
        name: 'tributary',
        note: 'Http.newServerAt(...).bind(async (req) => HttpResponse.ok(strict JSON entity))',
        setup: async () => {
          tributaryOrigin = await server('tributary');
        },
        run: () => load(tributaryOrigin),
      },
    ],
  };
}

export function httpUpload(mib: number): Scenario {
  const bytes = mib * MiB;
  const chunks = bytes / Chunk.length;
  let plainOrigin = '';
  let tributaryOrigin = '';
  return {
    name: 'httpUpload',
    description: `${mib} MiB streamed upload in 64 KiB chunks (bytes counted by the server)`,
    elements: mib,
    baseline: 'raw',
    contenders: [
      {
        name: 'raw',
        note: 'undici Pool.request with a Readable body → http.createServer counting req data',
        setup: async () => {
          plainOrigin = await server('plain');
        },
        run: async () => {
          const pool = new Pool(plainOrigin);
          let sent = 0;
          const body = new Readable({
            read() {
              this.push(sent++ < chunks ? Chunk : null);
            },
          });
          const { body: response } = await pool.request({ path: '/upload', method: 'POST', body });
          const count = Number(await response.text());
          await pool.close();
          return count;
        },
      },
      {
        name: 'tributary',
        note: 'Http.singleRequest(POST, HttpEntity.streamed(Source.repeat(chunk).take(n))) → bind handler folding entity.dataBytes',
        setup: async () => {
          tributaryOrigin = await server('tributary');
        },
        run: async () => {
          const response = await Http.singleRequest(HttpRequest.post(`${tributaryOrigin}/upload`, HttpEntity.streamed(Source.repeat(Chunk).take(chunks))));
          return Number(await response.entity.text());
        },
        teardown: () => Http.shutdownAllConnectionPools(),
      },
    ],
  };
}

export function httpDownload(mib: number): Scenario {
  const bytes = mib * MiB;
  let plainOrigin = '';
  let tributaryOrigin = '';
  return {
    name: 'httpDownload',
    description: `${mib} MiB streamed download (bytes counted by the client)`,
    elements: mib,
    baseline: 'raw',
    contenders: [
      {
        name: 'raw',
        note: 'http.createServer writing 64 KiB chunks on drain → undici Pool.request, for await over the body',
        setup: async () => {
          plainOrigin = await server('plain');
        },
        run: async () => {
          const pool = new Pool(plainOrigin);
          const { body } = await pool.request({ path: `/download/${bytes}`, method: 'GET' });
          let n = 0;
          for await (const c of body) n += (c as Buffer).length;
          await pool.close();
          return n;
        },
      },
      {
        name: 'tributary',
        note: 'bind handler answering HttpEntity.streamed(Source.repeat(chunk)) → Http.singleRequest, entity.dataBytes folded',
        setup: async () => {
          tributaryOrigin = await server('tributary');
        },
        run: async () => {
          const response = await Http.singleRequest(HttpRequest.get(`${tributaryOrigin}/download/${bytes}`));
          return response.entity.dataBytes.runWith(Sink.fold(0, (n, c: Buffer) => n + c.length));
        },
        teardown: () => Http.shutdownAllConnectionPools(),
      },
    ],
  };
}

export const httpScenarios = {
  httpGets: (n: number) => httpGets(n),
  httpServe: (n: number) => httpServe(n),
  httpUpload: (n: number) => httpUpload(n),
  httpDownload: (n: number) => httpDownload(n),
} as const;

export { SmallJson };
