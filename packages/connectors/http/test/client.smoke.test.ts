import { describe, expect, it } from 'vitest';
import { Sink, Source } from '@tributary/core';
import { Http, HttpRequest, HttpResponse } from '@tributary/http';
import { activeResources, expectNoLeaks } from './helpers.js';

describe('client smoke', () => {
  it('singleRequest and hostConnectionPool', async () => {
    const before = activeResources();
    const binding = await Http.newServerAt('127.0.0.1', 0).bind(async (req) => HttpResponse.ok(`hello ${req.url}`));
    const origin = `http://127.0.0.1:${binding.port}`;
    const r = await Http.singleRequest(HttpRequest.get(`${origin}/x`));
    expect(r.status).toBe(200);
    expect(await r.entity.text()).toBe('hello /x');
    const out = await Source.range(1, 50)
      .map((i) => [HttpRequest.get(`/p${i}`), i] as const)
      .via(Http.hostConnectionPool<number>(origin))
      .mapAsync(4, async ([res, i]) => (res.ok ? `${i}:${await res.value.entity.text()}` : `${i}:error`))
      .runWith(Sink.seq());
    expect(out.sort()).toEqual(Array.from({ length: 50 }, (_, k) => `${k + 1}:hello /p${k + 1}`).sort());
    await binding.terminate(1000);
    await expectNoLeaks(before);
  });
});
