/**
 * Streaming JSON both ways, over real connections: rendered by our server and read by curl and fetch,
 * parsed by the client as bytes arrive; laws checked with fast-check against JSON.stringify/parse.
 */

import { FramingError, Materializer, type NotUsed, Sink, Source } from '@tributary/core';
import { EntityStreaming, Http, HttpEntity, HttpRequest, HttpResponse, type ServerBinding, ServerSettings, type StreamedEntity } from '@tributary/http';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { activeResources, curl, expectNoLeaks } from './helpers.js';

const quiet = { warn: () => {}, error: () => {} };
/** For the streams these tests expect to fail: their failures are asserted, not logged. */
const quietMat = new Materializer({ logger: null });
let before: Record<string, number>;
let bindings: ServerBinding[] = [];

beforeEach(() => {
  before = activeResources();
  bindings = [];
});

afterEach(async () => {
  await Promise.all(bindings.map((b) => b.terminate(300)));
  await expectNoLeaks(before);
});

async function serve(handler: (req: HttpRequest) => HttpResponse | Promise<HttpResponse>): Promise<string> {
  const binding = await Http.newServerAt('127.0.0.1', 0).withSettings(ServerSettings.default.withLogger(quiet)).bind(handler);
  bindings.push(binding);
  return `http://127.0.0.1:${binding.port}`;
}

const rows = [
  { id: 1, name: 'a' },
  { id: 2, name: 'b\nwith newline' },
  { id: 3, tags: ['x', 'y'], nested: { ok: true } },
];

describe('EntityStreaming.ndjson()', () => {
  it('renders one JSON value per line, read by curl and fetch, and parses it back on the client', async () => {
    const url = await serve(() => HttpResponse.ok(EntityStreaming.ndjson().toEntity(Source.from(rows))));
    const expected = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
    const c = await curl([url]);
    expect(c.headers['content-type']).toBe('application/x-ndjson');
    expect(c.body.toString()).toBe(expected);
    expect(await (await fetch(url)).text()).toBe(expected);
    const response = await Http.singleRequest(HttpRequest.get(url));
    expect(await EntityStreaming.ndjson().fromEntity(response.entity, 1024).runWith(Sink.seq())).toEqual(rows);
  });

  it('streams an uploaded ndjson body into the handler one value at a time', async () => {
    const url = await serve(async (req) => {
      const sum = await EntityStreaming.ndjson()
        .fromEntity<{ n: number }>(req.entity, 100)
        .runWith(Sink.fold(0, (a, v: { n: number }) => a + v.n));
      return HttpResponse.ok(String(sum));
    });
    const body = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ n: i })).join('\r\n') + '\n\n';
    expect((await curl(['--data-binary', '@-', url], Buffer.from(body))).body.toString()).toBe(String((999 * 1000) / 2));
    const upload = EntityStreaming.ndjson().toEntity(Source.range(1, 100).map((n) => ({ n })));
    const r = await Http.singleRequest(HttpRequest.post(url, upload));
    expect(await r.entity.text()).toBe('5050');
  });

  it('fails on a value longer than maxObjectLength, and on invalid JSON, naming the format', async () => {
    await expect(
      EntityStreaming.ndjson()
        .fromEntity(HttpEntity.strict(`{"a":"${'x'.repeat(100)}"}\n`), 50)
        .runWith(Sink.seq(), quietMat),
    ).rejects.toBeInstanceOf(FramingError);
    await expect(EntityStreaming.ndjson().fromEntity(HttpEntity.strict('{"a":1}\nnot json\n'), 50).runWith(Sink.seq(), quietMat)).rejects.toThrow(
      /^EntityStreaming\.ndjson\(\)\.fromEntity: an element is not valid JSON/,
    );
    await expect(EntityStreaming.ndjson().toEntity(Source.single(undefined)).dataBytes.runWith(Sink.ignore(), quietMat)).rejects.toThrow(
      'EntityStreaming.ndjson().toEntity: undefined cannot be rendered as JSON',
    );
    const cycle: { self?: unknown } = {};
    cycle.self = cycle;
    await expect(EntityStreaming.jsonArray().toEntity(Source.single(cycle)).dataBytes.runWith(Sink.ignore(), quietMat)).rejects.toThrow(
      /^EntityStreaming\.jsonArray\(\)\.toEntity: a value could not be rendered as JSON/,
    );
    expect(() => EntityStreaming.ndjson().fromEntity(HttpEntity.empty, 0)).toThrow(
      'EntityStreaming.ndjson().fromEntity: maxObjectLength must be a positive integer, got 0',
    );
    expect(() => EntityStreaming.jsonArray().fromEntity('[]' as never, 10)).toThrow(
      'EntityStreaming.jsonArray().fromEntity: entity must be an HttpEntity, got "[]"',
    );
    expect(() => EntityStreaming.ndjson().toEntity([1, 2] as never)).toThrow('EntityStreaming.ndjson().toEntity: source must be a Source, got an array');
  });

  it('accepts a last line without newline and skips blank lines', async () => {
    const entity = HttpEntity.streamed(Source.from(['{"a":1}\r\n', '\n  \n{"a"', ':2}\n{"a":3}'].map((s) => Buffer.from(s))));
    expect(await EntityStreaming.ndjson().fromEntity(entity, 100).runWith(Sink.seq())).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
  });

  it("back-pressures end to end: a client that stops reading holds the server's source; cancelling it stops the source", async () => {
    let produced = 0;
    let serverSourceDone: Promise<void> | undefined;
    const payload = 'x'.repeat(1000);
    const url = await serve(() => {
      const values = Source.repeat(payload)
        .map((p) => ({ n: ++produced, p }))
        .watchTermination((_, done) => {
          serverSourceDone = done.catch(() => undefined);
        });
      return HttpResponse.ok(EntityStreaming.ndjson().toEntity(values));
    });
    const response = await Http.singleRequest(HttpRequest.get(url));
    const firstFive = await EntityStreaming.ndjson().fromEntity<{ n: number }>(response.entity, 4096).take(5).runWith(Sink.seq());
    expect(firstFive.map((v) => v.n)).toEqual([1, 2, 3, 4, 5]);
    // Socket buffers hold some values, but the source is not run ahead without bound.
    expect(produced).toBeLessThan(20_000);
    await serverSourceDone;
    const settled = produced;
    await new Promise<void>((r) => setTimeout(r, 50));
    expect(produced).toBe(settled);
  });
});

describe('EntityStreaming.jsonArray()', () => {
  it('renders a JSON array that curl and fetch read whole, and parses it back element by element', async () => {
    const url = await serve((req) => HttpResponse.ok(EntityStreaming.jsonArray().toEntity(req.url === '/empty' ? Source.empty() : Source.from(rows))));
    const c = await curl([url]);
    expect(c.headers['content-type']).toBe('application/json');
    expect(JSON.parse(c.body.toString())).toEqual(rows);
    expect(await (await fetch(url)).json()).toEqual(rows);
    expect(await (await fetch(`${url}/empty`)).json()).toEqual([]);
    const response = await Http.singleRequest(HttpRequest.get(url));
    expect(await EntityStreaming.jsonArray().fromEntity(response.entity, 1024).runWith(Sink.seq())).toEqual(rows);
  });

  it('round-trips any JSON values under any chunking (law: fromEntity ∘ toEntity = identity)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.jsonValue(), { maxLength: 20 }),
        fc.integer({ min: 1, max: 64 }),
        fc.constantFrom(EntityStreaming.ndjson(), EntityStreaming.jsonArray()),
        async (values, chunk, format) => {
          const rendered = await format.toEntity(Source.from(values)).toStrict(5000);
          const pieces: Buffer[] = [];
          for (let i = 0; i < rendered.length; i += chunk) pieces.push(rendered.subarray(i, i + chunk));
          const parsed = await format.fromEntity(HttpEntity.streamed(Source.from(pieces)), 1 << 20).runWith(Sink.seq());
          expect(parsed).toEqual(JSON.parse(JSON.stringify(values)));
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('EntityStreaming types', () => {
  it('renders any source to a streamed entity and parses to a Source of the asked type', () => {
    expectTypeOf(EntityStreaming.ndjson().toEntity(Source.from([{ a: 1 }]))).toEqualTypeOf<StreamedEntity>();
    expectTypeOf(EntityStreaming.jsonArray().fromEntity<{ a: number }>(HttpEntity.empty, 10)).toEqualTypeOf<Source<{ a: number }, NotUsed>>();
    expectTypeOf(EntityStreaming.ndjson().fromEntity(HttpEntity.empty, 10)).toEqualTypeOf<Source<unknown, NotUsed>>();
  });
});
