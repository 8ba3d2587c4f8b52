import { Attributes, Flow, Sink, Source, type StreamLogger, Supervision } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';

interface Entry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly rest: unknown[];
}

function fakeLogger(): StreamLogger & { readonly entries: Entry[] } {
  const entries: Entry[] = [];
  const at =
    (level: Entry['level']) =>
    (message: string, ...rest: unknown[]): void => {
      entries.push({ level, message, rest });
    };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('log', () => {
  it('passes elements through unchanged, only on demand, logging each one at debug', async () => {
    const logger = fakeLogger();
    const [up, down] = probe(Flow.create<number>().log('nums', undefined, logger));
    down.request(2);
    up.sendNextN([1, 2, 3]);
    await down.expectNextN([1, 2]);
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 2);
    expect(logger.entries).toHaveLength(2);
    for (const [i, e] of logger.entries.entries()) {
      expect(e.level).toBe('debug');
      expect(e.message).toContain('nums');
      expect(e.rest).toEqual([i + 1]);
    }
    down.cancel();
  });

  it('logs what extract returns, but emits the original element', async () => {
    const logger = fakeLogger();
    const items = [
      { id: 1, payload: 'a' },
      { id: 2, payload: 'b' },
    ];
    const out = await Source.from(items)
      .log('items', (x) => x.id, logger)
      .runWith(Sink.seq());
    expect(out[0]).toBe(items[0]);
    expect(out[1]).toBe(items[1]);
    const elementEntries = logger.entries.filter((e) => e.rest.length > 0);
    expect(elementEntries.map((e) => e.rest)).toEqual([[1], [2]]);
  });

  it('logs upstream completion at debug and propagates it', async () => {
    const logger = fakeLogger();
    const [up, down] = probe(Flow.create<number>().log('done', undefined, logger));
    down.request(1);
    await up.expectRequest();
    up.sendComplete();
    await down.expectComplete();
    expect(logger.entries).toHaveLength(1);
    expect(logger.entries[0]!.level).toBe('debug');
    expect(logger.entries[0]!.message).toContain('done');
    expect(logger.entries[0]!.message).toMatch(/finish|complet/i);
  });

  it('logs upstream failure at error with the original error, and propagates it', async () => {
    const e = boom();
    const logger = fakeLogger();
    const [up, down] = probe(Flow.create<number>().log('failing', undefined, logger));
    down.request(1);
    await up.expectRequest();
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    expect(logger.entries).toHaveLength(1);
    const entry = logger.entries[0]!;
    expect(entry.level).toBe('error');
    expect(entry.message).toContain('failing');
    expect(entry.rest).toContain(e);
  });

  it('logs downstream cancellation and propagates it upstream', async () => {
    const logger = fakeLogger();
    const [up, down] = probe(Flow.create<number>().log('cancelled', undefined, logger));
    down.request(1);
    await up.expectRequest();
    down.cancel();
    await up.expectCancellation();
    expect(logger.entries).toHaveLength(1);
    expect(logger.entries[0]!.message).toContain('cancelled');
    expect(logger.entries[0]!.message).toMatch(/downstream/i);
  });

  it('honours Attributes.logLevels (and "off" silences a kind of event)', async () => {
    const e = boom();
    const logger = fakeLogger();
    const flow = Flow.create<number>()
      .log('lv', undefined, logger)
      .withAttributes(Attributes.logLevels({ onElement: 'info', onFinish: 'off', onFailure: 'warn' }));
    const [up, down] = probe(flow);
    down.request(1);
    up.sendNext(7);
    await down.expectNext(7);
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    expect(logger.entries.map((x) => x.level)).toEqual(['info', 'warn']);
    expect(logger.entries[0]!.rest).toEqual([7]);
    expect(logger.entries[1]!.rest).toContain(e);

    const quiet = fakeLogger();
    await Source.range(1, 3)
      .log('quiet', undefined, quiet)
      .withAttributes(Attributes.logLevels({ onElement: 'off', onFinish: 'off' }))
      .runWith(Sink.ignore());
    expect(quiet.entries).toEqual([]);
  });

  it('extract throwing: stop (default) fails with its error; resume and restart drop the element (Pekko)', async () => {
    const e = boom();
    const extract = (x: number) => {
      if (x === 2) throw e;
      return x;
    };
    const logged = () => Source.from([1, 2, 3]).log('nums', extract, fakeLogger());
    await expect(logged().runWith(Sink.seq())).rejects.toBe(e);
    for (const d of [Supervision.resume, Supervision.restart]) {
      expect(await logged().withAttributes(Attributes.supervisionStrategy(d)).runWith(Sink.seq())).toEqual([1, 3]);
    }
  });
});
