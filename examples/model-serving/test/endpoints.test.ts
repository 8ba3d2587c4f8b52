import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScoredRecord } from '../src/domain/ScoredRecord.js';
import type { SensorRecord } from '../src/domain/SensorRecord.js';
import { SensorGenerator } from '../src/generator/SensorGenerator.js';
import { type EmbeddedOptions, startEmbedded } from '../src/pipeline/runEmbedded.js';
import { shippedModelsDir } from '../src/shippedModelsDir.js';
import { activeResources, curl, curlStream, expectNoLeaks, fetchStream, scoredRecordsOf, wsConnect } from './realClients.js';
import { RecordingLogger } from './scoringProbes.js';

function withoutTs({ ts: _ts, ...readings }: SensorRecord): Omit<SensorRecord, 'ts'> {
  return readings;
}

function expectedReadings(seed: number, count: number): Omit<SensorRecord, 'ts'>[] {
  const g = new SensorGenerator(seed);
  return Array.from({ length: count }, () => withoutTs(g.next(0)));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(10);
  }
}

async function serve(options: Partial<EmbeddedOptions> & Pick<EmbeddedOptions, 'records' | 'seed'>) {
  const out: ScoredRecord[] = [];
  const lines: string[] = [];
  const logger = new RecordingLogger();
  const run = await startEmbedded({
    rate: 4000,
    serve: true,
    progressIntervalMs: 100,
    http: { host: '127.0.0.1', port: 0 },
    ...options,
    print: (l) => lines.push(l),
    logger,
    onScored: (r) => out.push(r),
  });
  return { run, out, lines, logger, base: `http://127.0.0.1:${run.endpoints!.port}` };
}

/** `part` is the end of `all`: a subscriber that stayed to the end saw every record from when it joined, once, in order. */
function expectSuffixOf(part: readonly ScoredRecord[], all: readonly ScoredRecord[]): void {
  expect(part.length).toBeGreaterThan(0);
  expect(part.map((r) => JSON.stringify(r))).toEqual(all.slice(all.length - part.length).map((r) => JSON.stringify(r)));
}

describe('the embedded run with its endpoints, against real clients', () => {
  it('models arrive through the watched directory; /state, /scored (curl, fetch, raw ws) and /models answer; nothing is left open', async () => {
    const before = activeResources();
    const { run, out, lines, base } = await serve({ records: 3000, seed: 7 });
    expect(run.modelsDirectory).not.toBeNull();
    expect(existsSync(run.modelsDirectory!)).toBe(true);

    const viaCurl = curlStream(`${base}/scored`);
    const viaFetch = fetchStream(`${base}/scored`);
    const viaWs = wsConnect(`${base.replace('http:', 'ws:')}/scored`);
    viaWs.send('messages from the client are ignored');
    await Promise.all([viaCurl.firstData, viaFetch.firstData, viaWs.firstData]);
    expect(await viaFetch.contentType).toMatch(/^text\/event-stream/);

    const stateResponse = await fetch(`${base}/state`);
    expect(stateResponse.status).toBe(200);
    expect(stateResponse.headers.get('content-type')).toMatch(/^application\/json/);
    const state = (await stateResponse.json()) as { current: unknown; stats: { scored: number; models: unknown[] } };
    expect(state.stats.scored).toBeGreaterThan(0);
    expect(state.current).toMatchObject({ name: expect.any(String), version: '1', type: expect.any(String), since: expect.any(Number) });

    // the live inspector of @tributary/inspect, on the same port: the page, the run's streams, metrics
    const page = await fetch(`${base}/inspect/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
    const streams = (await (await fetch(`${base}/inspect/api/streams`)).json()) as { streams: unknown[] };
    expect(streams.streams.length).toBeGreaterThan(0);
    const metrics = await curl([`${base}/inspect/metrics`]);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/^# (HELP|TYPE) /m);

    const viaCurlState = await curl([`${base}/state`]);
    expect(viaCurlState.status).toBe(200);
    expect(JSON.parse(viaCurlState.body)).toMatchObject({ stats: { badRecords: 0, modelsRejected: 0 } });

    const badModel = await curl([
      '-X',
      'POST',
      '-H',
      'content-type: application/json',
      '--data-binary',
      '{"type":"random-forest","name":"x","version":1}',
      `${base}/models`,
    ]);
    expect(badModel.status).toBe(400);
    expect(JSON.parse(badModel.body)).toMatchObject({ reason: 'unknown-type', error: expect.stringContaining('random-forest') });
    expect((await curl(['-X', 'DELETE', `${base}/state`])).status).toBe(405);
    const missing = await fetch(`${base}/nothing-here`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      endpoints: [
        'GET /state',
        'GET /scored (server-sent events)',
        'ws://…/scored (WebSocket)',
        'POST /models',
        'GET /inspect/ (live inspector)',
        'GET /inspect/metrics',
      ],
    });
    // A WebSocket upgrade on any other path is refused.
    const refused = wsConnect(`${base.replace('http:', 'ws:')}/state`);
    await expect(refused.done).rejects.toThrow(/404/);

    await until('all three models scored records', () => out.length >= 3300);
    run.stop();
    const { stats, table } = await run.done;
    const [curlBody, fetchBody] = await Promise.all([viaCurl.done, viaFetch.done, viaWs.done]);
    expect(await viaWs.closeCode).toBe(1000);

    // Every generated record came out exactly once, in order; each model scored its third; better and better.
    expect(out.map((r) => withoutTs(r.record))).toEqual(expectedReadings(7, out.length));
    expect(stats).toMatchObject({ scored: out.length, unscored: 0, badRecords: 0, modelsAccepted: 3, modelsRejected: 0 });
    expect(stats.models.map((m) => [m.name, m.scored])).toEqual([
      ['basic-logistic', 1000],
      ['full-logistic', 1000],
      ['boosted-trees', out.length - 2000],
    ]);
    const [first, second, third] = stats.models.map((m) => m.accuracy!);
    expect(first).toBeLessThan(second!);
    expect(second).toBeLessThan(third!);
    expect(table).toMatch(/scored/);
    expect(lines.at(-1)).toBe(table);

    // Both subscribers stayed to the end: each saw a tail of the run, every record once, in order.
    expectSuffixOf(scoredRecordsOf(curlBody), out);
    expectSuffixOf(scoredRecordsOf(fetchBody), out);
    expectSuffixOf(
      viaWs.messages.map((m) => JSON.parse(m) as ScoredRecord),
      out,
    );

    // Gone: the port, the models directory, every socket, watcher and timer.
    await expect(fetch(`${base}/state`)).rejects.toThrow();
    expect(existsSync(run.modelsDirectory!)).toBe(false);
    await expectNoLeaks(before);
  }, 60_000);

  it('POST /models installs a model by hand while records flow (it goes through the watched directory)', async () => {
    const before = activeResources();
    const { run, out, logger, base } = await serve({ records: 300, seed: 11 });
    await until('the shipped models are in', () => out.length >= 400);

    const document = JSON.parse(await readFile(join(shippedModelsDir, '2-full-logistic.json'), 'utf8')) as Record<string, unknown>;
    const posted = await fetch(`${base}/models`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...document, name: 'hand-pushed' }),
    });
    expect(posted.status).toBe(202);
    const answer = (await posted.json()) as { accepted: { name: string; version: string; type: string }; file: string };
    expect(answer.accepted).toEqual({ name: 'hand-pushed', version: '1', type: 'logistic-regression' });
    expect(answer.file.startsWith(run.modelsDirectory!)).toBe(true);

    await until('the stage scores with the posted model', async () => {
      const state = (await (await fetch(`${base}/state`)).json()) as { current: { name: string } | null };
      return state.current?.name === 'hand-pushed';
    });
    const at = out.length;
    await until('the posted model scored records', () => out.length >= at + 200);
    expect(await (await fetch(`${base}/models`)).text()).toContain('use POST');
    run.stop();
    const { stats } = await run.done;

    expect(out.map((r) => withoutTs(r.record))).toEqual(expectedReadings(11, out.length));
    expect(stats.modelsAccepted).toBe(4);
    expect(stats.models.map((m) => m.name)).toEqual(['basic-logistic', 'full-logistic', 'boosted-trees', 'hand-pushed']);
    expect(stats.models[3]!.scored).toBeGreaterThanOrEqual(200);
    expect(out.at(-1)!.model?.name).toBe('hand-pushed');
    expect(logger.lines.filter((l) => l.level === 'info').at(-1)?.message).toBe('ModelScoringStage: now scoring with "hand-pushed" v1 (logistic-regression)');
    await expectNoLeaks(before);
  }, 60_000);
});
