import { describe, expect, it } from 'vitest';
import { Http, HttpResponse } from '@tributary/http';
import { activeResources, curl, expectNoLeaks } from './helpers.js';

describe('smoke', () => {
  it('serves fetch and curl', async () => {
    const before = activeResources();
    const binding = await Http.newServerAt('127.0.0.1', 0).bind(async (req) => HttpResponse.ok(`hello ${req.method} ${req.url} ${await req.entity.text()}`));
    const r = await fetch(`http://127.0.0.1:${binding.port}/a?b=1`, { method: 'POST', body: 'xyz' });
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('hello POST /a?b=1 xyz');
    const c = await curl([`http://127.0.0.1:${binding.port}/c`]);
    expect(c.status).toBe(200);
    expect(c.body.toString()).toBe('hello GET /c ');
    await binding.terminate(1000);
    await expectNoLeaks(before);
  });
});
