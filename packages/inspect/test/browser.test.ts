/**
 * The inspector page in a real browser: Debian's chromium, driven by playwright-core. A running graph
 * with a deliberately slow stage; the page must show the stages, counts that grow between two reads,
 * and the slow stage marked as the one holding the stream up. A screenshot is saved to a temp dir.
 *
 * Chromium is installed with apt-get when missing; if that is impossible the test fails, saying why.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Flow, Materializer, Sink, Source } from '@tributary/core';
import type { ServerBinding } from '@tributary/http';
import { Inspector } from '@tributary/inspect';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const Candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The little of the DOM the in-page functions use (the tests compile without the DOM library). */
interface InPage {
  readonly document: { querySelector(selector: string): { getAttribute(name: string): string | null; readonly textContent: string | null } | null };
}

function findChromium(): string | undefined {
  return Candidates.find((p) => existsSync(p));
}

function ensureChromium(): string {
  const found = findChromium();
  if (found !== undefined) return found;
  process.stderr.write("[inspect] the browser test is installing Debian's chromium with apt-get (first run only)…\n");
  const run = (args: string[]) =>
    execFileSync('apt-get', args, { stdio: 'pipe', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 600_000 });
  try {
    try {
      run(['install', '-y', 'chromium']);
    } catch {
      run(['update']);
      run(['install', '-y', 'chromium']);
    }
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new Error(
      `The browser test needs Debian's chromium (looked for ${Candidates.join(', ')}) and could not install it with "apt-get install -y chromium": ${detail}`,
    );
  }
  const installed = findChromium();
  if (installed === undefined) throw new Error(`"apt-get install -y chromium" ran but none of ${Candidates.join(', ')} exists`);
  return installed;
}

let browser: Browser;
let mat: Materializer;
let binding: ServerBinding;
let pipeline: Promise<unknown>;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: ensureChromium(), args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  mat = new Materializer({ logger: null });
  // A source that always has elements, a fast parse, an async boundary, then one slow stage and a sink.
  pipeline = Source.repeat('{"order":1}')
    .named('orders')
    .via(
      Flow.create<string>()
        .map((s) => s.length)
        .named('parse'),
    )
    .async()
    .via(
      Flow.create<number>()
        .mapAsync(1, (n) => new Promise<number>((resolve) => setTimeout(() => resolve(n * 2), 150)))
        .named('slow-enrich'),
    )
    .via(
      Flow.create<number>()
        .map((n) => `${n}`)
        .named('format'),
    )
    .runWith(Sink.ignore().named('store'), mat);
  void pipeline.catch(() => {});
  binding = await Inspector.serve(mat);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await binding?.terminate(500);
  mat?.shutdown();
});

describe('the inspector page in chromium', () => {
  it('shows the stages, growing counts, and the slow stage holding the stream up', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`http://127.0.0.1:${binding.port}/`);
    await page.waitForSelector('#stages tbody tr[data-stage-name="slow-enrich"]', { timeout: 10_000 });

    const names = await page.$$eval('#graph .node', (nodes) => nodes.map((n) => n.getAttribute('data-stage-name')));
    expect(names).toEqual(['orders', 'parse', 'slow-enrich', 'format', 'store']);
    const drawnText = await page.textContent('#graph');
    for (const name of ['orders', 'parse', 'slow-enrich', 'format', 'store']) expect(drawnText).toContain(name);
    expect(await page.$$eval('#graph .edge.boundary', (edges) => edges.length)).toBe(1);
    expect(await page.textContent('#connection')).toBe('live');

    // The table's count and the drawn count, read together (an update may land between two reads).
    const read = () =>
      page.evaluate(() => {
        const doc = (globalThis as unknown as InPage).document;
        return {
          out: Number(doc.querySelector('#stages tbody tr[data-stage-name="slow-enrich"]')?.getAttribute('data-elements-out')),
          drawn: doc.querySelector('#graph .node[data-stage-name="slow-enrich"] .counts')?.textContent ?? '',
        };
      });
    const first = await read();
    expect(first.drawn).toMatch(new RegExp(`^in \\d+ · out ${first.out}$`));
    // A function, not a string: the page's Content-Security-Policy forbids evaluating strings.
    await page.waitForFunction(
      (before) => {
        const doc = (globalThis as unknown as InPage).document;
        return Number(doc.querySelector('#stages tbody tr[data-stage-name="slow-enrich"]')?.getAttribute('data-elements-out')) > before;
      },
      first.out,
      { timeout: 5000 },
    );
    const second = await read();
    expect(second.out).toBeGreaterThan(first.out);
    expect(second.drawn).toMatch(new RegExp(`· out ${second.out}$`));
    expect(second.drawn).not.toBe(first.drawn);

    // The vote needs a few samples; then the slow stage, and only it, is marked.
    await page.waitForSelector('#graph .node.holding[data-stage-name="slow-enrich"]', { timeout: 10_000 });
    const holding = await page.$$eval('#graph .node[data-holding-up="true"]', (nodes) => nodes.map((n) => n.getAttribute('data-stage-name')));
    expect(holding).toEqual(['slow-enrich']);
    expect(await page.textContent('#holdup')).toContain('Holding the stream up: "slow-enrich"');
    expect(await page.$eval('#stages tbody tr[data-stage-name="slow-enrich"]', (row) => row.className)).toBe('holding');
    expect(await page.$eval('#streams button', (b) => b.textContent ?? '')).toContain('held up by slow-enrich');

    const dir = await mkdtemp(join(tmpdir(), 'tributary-inspect-'));
    const file = join(dir, 'inspector.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(existsSync(file)).toBe(true);
    console.log(`inspector screenshot: ${file}`);
    expect(errors, errors.join('\n')).toEqual([]);
    await page.close();
  });
});
