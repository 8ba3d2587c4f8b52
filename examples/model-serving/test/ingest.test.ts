import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScoredRecord } from '../src/domain/ScoredRecord.js';
import type { SensorRecord } from '../src/domain/SensorRecord.js';
import { SensorGenerator } from '../src/generator/SensorGenerator.js';
import type { IngestReply } from '../src/ingest/IngestRouter.js';
import { type EmbeddedRun, startEmbedded } from '../src/pipeline/runEmbedded.js';
import { activeResources, curl, expectNoLeaks, wsConnect } from './realClients.js';
import { RecordingLogger } from './scoringProbes.js';

function generated(seed: number, count: number): SensorRecord[] {
  const g = new SensorGenerator(seed);
  return Array.from({ length: count }, (_, i) => g.next(1_000 + i));
}

async function until(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function startIngest(ingest: 'http' | 'ws') {
  const logger = new RecordingLogger();
  const run = await startEmbedded({ records: 1, seed: 1, ingest, http: { host: '127.0.0.1', port: 0 }, progressIntervalMs: 200, print: () => {}, logger });
  // The shipped models are dropped at the start, in order: the last one stays.
  await until('the last shipped model is in', () => run.scoring.current()?.name === 'boosted-trees');
  return { run, logger, base: `http://127.0.0.1:${run.endpoints!.port}`, wsBase: `ws://127.0.0.1:${run.endpoints!.port}` };
}

/** The lines a client sends: the records as JSON, with bad lines at the given positions. */
function withBadLines(records: readonly SensorRecord[], bad: ReadonlyMap<number, string>): string[] {
  const lines = records.map((r) => JSON.stringify(r));
  for (const [at, line] of [...bad.entries()].sort(([a], [b]) => a - b)) lines.splice(at, 0, line);
  return lines;
}

/** Every reply answers its line, in order: bad lines with their error, the others scored by the current model. */
function expectReplies(
  replies: readonly IngestReply[],
  lines: readonly string[],
  bad: ReadonlyMap<number, string>,
  badKinds: ReadonlyMap<number, string>,
): void {
  expect(replies).toHaveLength(lines.length);
  replies.forEach((reply, i) => {
    if (bad.has(i)) {
      expect(reply).toEqual({ line: i + 1, error: expect.any(String), kind: badKinds.get(i) });
    } else {
      const scored = reply as ScoredRecord;
      expect(scored.record).toEqual(JSON.parse(lines[i]!));
      expect(scored.model).toEqual({ name: 'boosted-trees', version: '1' });
      expect(scored.score).toBeGreaterThanOrEqual(0);
      expect(scored.score).toBeLessThanOrEqual(1);
    }
  });
}

async function stopAndCheck(run: EmbeddedRun, before: Record<string, number>) {
  run.stop();
  const summary = await run.done;
  await expectNoLeaks(before);
  return summary;
}

describe('--ingest: clients send records and get them back scored on the same connection', () => {
  it('http: POST /score with NDJSON, two clients at once (fetch and curl), each gets its replies in its order', async () => {
    const before = activeResources();
    const { run, base } = await startIngest('http');
    const bad = new Map([
      [3, '{"deviceId": "broken"'],
      [250, '{"deviceId": "no-readings", "ts": 1}'],
    ]);
    const badKinds = new Map([
      [3, 'unparseable'],
      [250, 'missing-field'],
    ]);
    const linesA = withBadLines(generated(1, 600), bad);
    const linesB = withBadLines(generated(2, 600), bad);
    const dir = await mkdtemp(join(tmpdir(), 'model-serving-ingest-'));
    try {
      await writeFile(join(dir, 'b.ndjson'), `${linesB.join('\n')}\n`);
      const [viaFetch, viaCurl] = await Promise.all([
        fetch(`${base}/score`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: `${linesA.join('\n')}\n` }),
        curl(['-X', 'POST', '-H', 'content-type: application/x-ndjson', '--data-binary', `@${join(dir, 'b.ndjson')}`, `${base}/score`]),
      ]);
      expect(viaFetch.status).toBe(200);
      expect(viaFetch.headers.get('content-type')).toBe('application/x-ndjson');
      const repliesA = (await viaFetch.text())
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as IngestReply);
      expect(viaCurl.status).toBe(200);
      const repliesB = viaCurl.body
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as IngestReply);
      expectReplies(repliesA, linesA, bad, badKinds);
      expectReplies(repliesB, linesB, bad, badKinds);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // The WebSocket route is not this run's.
    const wrongRoute = await fetch(`${base}/nope`);
    expect(((await wrongRoute.json()) as { endpoints: string[] }).endpoints).toContain('POST /score (NDJSON)');
    const { stats } = await stopAndCheck(run, before);
    expect(stats).toMatchObject({ scored: 1200, unscored: 0, badRecords: 4, badRecordsByKind: { unparseable: 2, 'missing-field': 2 } });
  }, 60_000);

  it('ws: one record per message from a raw ws client, one reply per record in order; POST /score is not this run’s', async () => {
    const before = activeResources();
    const { run, base, wsBase } = await startIngest('ws');
    const bad = new Map([[10, 'not json at all']]);
    const lines = withBadLines(generated(3, 300), bad);
    const client = wsConnect(`${wsBase}/score`);
    for (const line of lines) client.send(line);
    await until('every record answered', () => client.messages.length >= lines.length);
    expectReplies(
      client.messages.map((m) => JSON.parse(m) as IngestReply),
      lines,
      bad,
      new Map([[10, 'unparseable']]),
    );
    const notHere = await fetch(`${base}/score`, { method: 'POST', body: lines[0]! });
    expect(notHere.status).toBe(404);
    expect(((await notHere.json()) as { error: string }).error).toBe('this run takes records over ws://…/score');

    // Stopping closes the client's connection once its records are answered.
    const { stats } = await stopAndCheck(run, before);
    expect(await client.closeCode).toBe(1000);
    expect(stats).toMatchObject({ scored: 300, badRecords: 1 });
  }, 60_000);

  it('refuses what cannot work: ingest without endpoints, ingest with workers', async () => {
    await expect(startEmbedded({ records: 1, seed: 1, ingest: 'http', print: () => {} })).rejects.toThrow(
      'startEmbedded: direct ingest needs the endpoints (http)',
    );
    await expect(startEmbedded({ records: 1, seed: 1, ingest: 'ws', workers: 2, http: { host: '127.0.0.1', port: 0 }, print: () => {} })).rejects.toThrow(
      /direct ingest and workers cannot be combined/,
    );
  });
});
