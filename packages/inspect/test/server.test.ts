/**
 * Inspector.serve / Inspector.handler on a real server on 127.0.0.1, read with Node's own fetch: the
 * page and its assets, the JSON and SSE feeds, /metrics, the token, mounting under a path on an
 * application's server, options errors, and no socket or timer left behind.
 */

import { Flow, Materializer, Sink, Source } from '@tributary/core';
import { Http, HttpResponse, type ServerBinding } from '@tributary/http';
import { Inspector, type Update } from '@tributary/inspect';
import { afterEach, describe, expect, it } from 'vitest';
import { parseExposition, valueOf } from './exposition.js';

const Secret = 'SECRET-ELEMENT-CONTENT';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) if (r !== 'TTYWrap' && r !== 'FSReqCallback') counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

async function eventually(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A stream whose elements are strings nobody may see, flowing about 100 per second through a named slow stage. */
function runSecretStream(mat: Materializer): Promise<unknown> {
  return Source.repeat(Secret)
    .named('secrets')
    .mapAsync(1, (s) => new Promise<string>((resolve) => setTimeout(() => resolve(s), 10)))
    .named('slow')
    .via(
      Flow.create<string>()
        .map((s) => s.length)
        .named('measure'),
    )
    .runWith(Sink.ignore(), mat);
}

async function serve(mat: Materializer, options: Parameters<typeof Inspector.serve>[1] = {}): Promise<ServerBinding> {
  const binding = await Inspector.serve(mat, options);
  cleanups.push(() => binding.terminate(500));
  return binding;
}

/** Reads `count` `update` events from the SSE feed, then disconnects. */
async function readUpdates(
  url: string,
  count: number,
  headers: Record<string, string> = {},
): Promise<{ updates: Update[]; raw: string; contentType: string | null }> {
  const abort = new AbortController();
  const response = await fetch(url, { signal: abort.signal, headers });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let raw = '';
  const updates: Update[] = [];
  try {
    while (updates.length < count) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the event stream ended early');
      raw += decoder.decode(value, { stream: true });
      const blocks = raw.split('\n\n');
      updates.length = 0;
      for (const block of blocks.slice(0, -1)) {
        const lines = block.split('\n');
        if (!lines.includes('event: update')) continue;
        updates.push(
          JSON.parse(
            lines
              .filter((l) => l.startsWith('data: '))
              .map((l) => l.slice(6))
              .join('\n'),
          ) as Update,
        );
      }
    }
  } finally {
    abort.abort();
  }
  return { updates: updates.slice(0, count), raw, contentType: response.headers.get('content-type') };
}

describe('Inspector.serve', () => {
  it('serves the page, its own script and style, JSON and a live event feed, and never an element', async () => {
    const before = handles();
    const mat = new Materializer({ logger: null });
    void runSecretStream(mat).catch(() => {});
    const binding = await Inspector.serve(mat, { intervalMs: 200 });
    expect(binding.host).toBe('127.0.0.1');
    const base = `http://127.0.0.1:${binding.port}`;

    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script type="module" src="inspector.js"></script>');
    // Nothing loaded from elsewhere: the machine (and users' servers) may be offline.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const script = await fetch(`${base}/inspector.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toContain("new EventSource(apiUrl('api/events'");
    expect((await fetch(`${base}/inspector.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await fetch(`${base}/nothing-here`)).status).toBe(404);
    expect((await fetch(`${base}/api/streams`, { method: 'POST', body: 'x' })).status).toBe(405);
    expect((await fetch(`${base}/api/streams?stream=abc`)).status).toBe(400);

    await eventually(
      async () => ((await (await fetch(`${base}/api/streams`)).json()) as Update).selected?.stages.some((s) => s.elementsOut > 0) === true,
      'elements to flow',
    );
    const json = await (await fetch(`${base}/api/streams`)).text();
    const update = JSON.parse(json) as Update;
    expect(update.streams).toHaveLength(1);
    expect(update.selected!.stages.map((s) => s.name)).toEqual(['secrets', 'slow', 'measure', 'ignore']);

    const { updates, raw, contentType } = await readUpdates(`${base}/api/events?stream=${update.streams[0]!.id}`, 3);
    expect(contentType).toBe('text/event-stream');
    const outOf = (u: Update) => u.selected!.stages.find((s) => s.name === 'slow')!.elementsOut;
    expect(outOf(updates[2]!)).toBeGreaterThan(outOf(updates[0]!));
    expect(updates[2]!.selected!.edges.some((e) => e.rate > 0)).toBe(true);
    for (const body of [json, raw, await (await fetch(`${base}/metrics`)).text()]) expect(body).not.toContain(Secret);

    await binding.terminate(500);
    await eventually(() => mat.detailedSnapshot().length === 1, 'only the inspected stream to remain');
    mat.shutdown();
    await eventually(
      () => JSON.stringify(handles()) === JSON.stringify(before),
      `no handle left open (before ${JSON.stringify(before)}, now ${JSON.stringify(handles())})`,
    );
  });

  it('keeps ended streams with their failures, and counts them in /metrics', async () => {
    const mat = new Materializer({ logger: null });
    const binding = await serve(mat);
    const base = `http://127.0.0.1:${binding.port}`;
    const failed = Source.from([1, 2, 3])
      .named('numbers')
      .via(
        Flow.create<number>()
          .map((x) => {
            if (x === 2) throw new RangeError('two is out of range');
            return x;
          })
          .named('validate'),
      )
      .runWith(Sink.seq<number>(), mat);
    await expect(failed).rejects.toThrow('two is out of range');
    await Source.single(1).runWith(Sink.ignore(), mat);
    const update = (await (await fetch(`${base}/api/streams`)).json()) as Update;
    expect(update.streams.map((s) => s.status)).toEqual(['completed', 'failed']);
    const view = ((await (await fetch(`${base}/api/streams?stream=${update.streams[1]!.id}`)).json()) as Update).selected!;
    expect(view.status).toBe('failed');
    expect(view.failures.find((f) => f.name === 'validate')).toEqual({
      stage: 1,
      name: 'validate',
      message: 'RangeError: two is out of range',
      origin: 'validate',
    });
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get('content-type')).toBe(Inspector.metricsContentType);
    const families = parseExposition(await metrics.text());
    expect(valueOf(families, 'tributary_streams_finished_total', { outcome: 'failed' })).toBe(1);
    expect(valueOf(families, 'tributary_streams_finished_total', { outcome: 'completed' })).toBe(1);
    expect(valueOf(families, 'tributary_stream_failures_total', { origin: 'validate' })).toBe(1);
    mat.shutdown();
  });

  it('shows a stream that made no progress for stallAfterMs as stalled, naming the stage where demand stops', async () => {
    const mat = new Materializer({ logger: null });
    Source.never<number>()
      .named('silent-source')
      .via(
        Flow.create<number>()
          .map((x) => x + 1)
          .named('work'),
      )
      .runWith(Sink.ignore(), mat);
    const binding = await serve(mat, { intervalMs: 50, stallAfterMs: 150 });
    const get = async () => ((await (await fetch(`http://127.0.0.1:${binding.port}/api/streams`)).json()) as Update).selected!;
    expect((await get()).status).toBe('running');
    await new Promise((r) => setTimeout(r, 200));
    const stalled = await get();
    expect(stalled.status).toBe('stalled');
    expect(stalled.idleMs).toBeGreaterThanOrEqual(150);
    expect(stalled.holdUp).toEqual({ stage: 0, name: 'silent-source', reason: 'demand without element', share: 1 });
    expect(stalled.stages.map((s) => [s.name, s.status, s.holdingUp])).toEqual([
      ['silent-source', 'pulling', true],
      ['work', 'pulling', false],
      ['ignore', 'pulling', false],
    ]);
    mat.shutdown();
  });

  it('requires the bearer token when one is set, as a header or in the URL', async () => {
    const mat = new Materializer({ logger: null });
    const binding = await serve(mat, { token: 's3cret-token' });
    const base = `http://127.0.0.1:${binding.port}`;
    for (const path of ['/', '/inspector.js', '/api/streams', '/api/events', '/metrics']) {
      const denied = await fetch(`${base}${path}`);
      expect(denied.status, path).toBe(401);
      expect(denied.headers.get('www-authenticate')).toBe('Bearer realm="tributary-inspector"');
      await denied.arrayBuffer();
    }
    expect((await fetch(`${base}/api/streams?token=wrong-token!`)).status).toBe(401);
    expect((await fetch(`${base}/api/streams`, { headers: { authorization: 'Bearer s3cret-token' } })).status).toBe(200);
    expect((await fetch(`${base}/?token=s3cret-token`)).status).toBe(200);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer s3cret-token' } })).status).toBe(200);
    const { updates } = await readUpdates(`${base}/api/events?token=s3cret-token`, 1);
    expect(updates[0]!.streams).toEqual([]);
    mat.shutdown();
  });

  it('lives under a path: redirects the bare path, answers /metrics at the root too', async () => {
    const mat = new Materializer({ logger: null });
    const binding = await serve(mat, { path: '/inspect' });
    const base = `http://127.0.0.1:${binding.port}`;
    const bare = await fetch(`${base}/inspect?stream=3`, { redirect: 'manual' });
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('/inspect/?stream=3');
    expect((await fetch(`${base}/inspect/`)).status).toBe(200);
    expect((await fetch(`${base}/inspect/api/streams`)).status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
    expect((await fetch(`${base}/inspect/metrics`)).status).toBe(200);
    expect((await fetch(`${base}/`)).status).toBe(404);
    mat.shutdown();
  });

  it('rejects bad options with a specific message', async () => {
    const mat = new Materializer({ logger: null });
    await expect(Inspector.serve({} as never)).rejects.toThrow('Inspector.serve: expected a Materializer, got object');
    await expect(Inspector.serve(mat, { port: -1 })).rejects.toThrow('Inspector.serve: port must be an integer from 0 to 65535, got -1');
    await expect(Inspector.serve(mat, { path: 'inspect' })).rejects.toThrow('Inspector.serve: path must be a URL path starting with "/"');
    await expect(Inspector.serve(mat, { token: '' })).rejects.toThrow('Inspector.serve: token must be a non-empty string without whitespace');
    await expect(Inspector.serve(mat, { intervalMs: 0 })).rejects.toThrow('Inspector.serve: intervalMs must be a positive number of milliseconds, got 0');
    await expect(Inspector.serve(mat, { keepFinished: 1.5 })).rejects.toThrow('Inspector.serve: keepFinished must be a non-negative integer, got 1.5');
    expect(() => Inspector.handler(mat, { fallback: 'x' as never })).toThrow('Inspector.handler: fallback must be a request handler function, got "x"');
    mat.shutdown();
  });
});

describe('Inspector.handler', () => {
  it('mounts on an application server next to its own routes', async () => {
    const mat = new Materializer({ logger: null });
    const inspector = Inspector.handler(mat, { path: '/ops/inspect/', fallback: (req) => HttpResponse.ok(`app: ${req.url}`) });
    cleanups.push(() => inspector.close());
    const binding = await Http.newServerAt('127.0.0.1', 0).withMaterializer(mat).bind(inspector);
    cleanups.push(() => binding.terminate(500));
    const base = `http://127.0.0.1:${binding.port}`;
    expect(await (await fetch(`${base}/orders/7`)).text()).toBe('app: /orders/7');
    expect((await fetch(`${base}/metrics`)).status).toBe(200); // the app's fallback, not the inspector
    expect(await (await fetch(`${base}/metrics`)).text()).toBe('app: /metrics');
    expect((await fetch(`${base}/ops/inspect/`)).headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect((await fetch(`${base}/ops/inspect/metrics`)).headers.get('content-type')).toBe(Inspector.metricsContentType);
    // The page's own event feed runs on the application's materializer, next to the server's accept loop;
    // the inspector shows the accept loop (an application stream) and leaves its own feed out.
    const { updates } = await readUpdates(`${base}/ops/inspect/api/events`, 2);
    expect(updates[1]!.streams).toHaveLength(1);
    expect(updates[1]!.selected!.stages.map((s) => s.name)).toContain('Http.connectionSource');
    // When the page goes away, its feed stops.
    await eventually(() => !mat.detailedSnapshot().some((s) => s.stages.some((stage) => stage.name === 'tributary-inspector')), 'the event feed to end');
  });
});
