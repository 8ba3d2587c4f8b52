import fs from 'node:fs';
import { BufferOverflowError, Keep, KillSwitches, Materializer, Sink } from '@tributary/core';
import { type DirectoryChange, DirectoryChangesSource } from '@tributary/file';
import { TestSink, VirtualScheduler } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { eventually, quietMaterializer, useTempDir } from './helpers.js';

const Interval = 100;

type Change = readonly [string, DirectoryChange];

/** Watches `dir` in virtual time: the test decides when the gathered changes are looked at. */
function watch(dir: string, options: { usePolling: boolean; maxBufferSize?: number }) {
  const scheduler = new VirtualScheduler();
  const mat = new Materializer({ scheduler, logger: null });
  const probe = DirectoryChangesSource.create(dir, { pollIntervalMs: Interval, ...options }).runWith(TestSink.probe<Change>(), mat);
  /** Lets one interval pass once the source has a look scheduled (with fs.watch: once an event arrived). */
  const tick = async (): Promise<void> => {
    await eventually(
      () => scheduler.pendingTimers > 0,
      () => 'the source to schedule a look',
    );
    await scheduler.advance(Interval);
  };
  return { probe, tick, scheduler };
}

for (const usePolling of [false, true]) {
  describe(`DirectoryChangesSource.create (${usePolling ? 'polling' : 'fs.watch'})`, () => {
    const tmp = useTempDir();

    it('emits a creation, then a modification, then a deletion, with the full path — and nothing else', async () => {
      const { probe, tick } = watch(tmp.path, { usePolling });
      const file = tmp.file('test1file1.sample');
      probe.request(1);
      fs.writeFileSync(file, '');
      await tick();
      expect(await probe.expectNext()).toEqual([file, 'creation']);
      fs.writeFileSync(file, 'Some data');
      probe.request(1);
      await tick();
      expect(await probe.expectNext()).toEqual([file, 'modification']);
      fs.rmSync(file);
      probe.request(1);
      await tick();
      expect(await probe.expectNext()).toEqual([file, 'deletion']);
      probe.request(1);
      if (usePolling) await tick();
      await probe.expectNoMessage(50);
      probe.cancel();
    });

    it('reports no entry that existed before materialization, only later changes to them', async () => {
      fs.writeFileSync(tmp.file('old.txt'), 'old');
      fs.mkdirSync(tmp.file('olddir'));
      const { probe, tick } = watch(tmp.path, { usePolling });
      probe.request(5);
      fs.appendFileSync(tmp.file('old.txt'), ' and more');
      await tick();
      expect(await probe.expectNext()).toEqual([tmp.file('old.txt'), 'modification']);
      await probe.expectNoMessage(50);
      probe.cancel();
    });

    it('reports several writes within one interval as one modification', async () => {
      fs.writeFileSync(tmp.file('busy.log'), '');
      const { probe, tick } = watch(tmp.path, { usePolling });
      probe.request(5);
      for (let i = 0; i < 10; i++) fs.appendFileSync(tmp.file('busy.log'), `line ${i}\n`);
      await tick();
      expect(await probe.expectNext()).toEqual([tmp.file('busy.log'), 'modification']);
      await probe.expectNoMessage(50);
      probe.cancel();
    });

    it('reports an entry replaced by another of the same name as a deletion and a creation', async () => {
      fs.writeFileSync(tmp.file('target'), 'old');
      fs.writeFileSync(tmp.file('staged'), 'new content');
      const { probe, tick } = watch(tmp.path, { usePolling });
      probe.request(5);
      fs.renameSync(tmp.file('staged'), tmp.file('target'));
      await tick();
      const changes = [await probe.expectNext(), await probe.expectNext(), await probe.expectNext()];
      expect(changes).toContainEqual([tmp.file('staged'), 'deletion']);
      const target = changes.filter(([p]) => p === tmp.file('target'));
      expect(target).toEqual([
        [tmp.file('target'), 'deletion'],
        [tmp.file('target'), 'creation'],
      ]);
      probe.cancel();
    });

    it('reports a subdirectory as an entry that is created and deleted, not what happens inside it', async () => {
      const { probe, tick } = watch(tmp.path, { usePolling });
      probe.request(5);
      fs.mkdirSync(tmp.file('sub'));
      await tick();
      expect(await probe.expectNext()).toEqual([tmp.file('sub'), 'creation']);
      fs.writeFileSync(tmp.file('sub', 'inner.txt'), 'x');
      fs.chmodSync(tmp.file('sub'), 0o700);
      await tick();
      await probe.expectNoMessage(50);
      fs.rmSync(tmp.file('sub'), { recursive: true });
      await tick();
      expect(await probe.expectNext()).toEqual([tmp.file('sub'), 'deletion']);
      probe.cancel();
    });

    it('emits every one of many changes (50 creations, then 50 deletions)', async () => {
      const { probe, tick } = watch(tmp.path, { usePolling, maxBufferSize: 100 });
      probe.request(100);
      const files = Array.from({ length: 50 }, (_, i) => tmp.file(`test2files${i}`));
      for (const f of files) fs.writeFileSync(f, '');
      const created: Change[] = [];
      while (created.length < 50) {
        await tick();
        while (created.length < 50) {
          const next = await probe.expectNext().catch(() => null);
          if (next === null) break;
          created.push(next);
        }
      }
      expect(new Set(created.map(([p, c]) => `${c} ${p}`))).toEqual(new Set(files.map((f) => `creation ${f}`)));
      for (const f of files) fs.rmSync(f);
      const deleted: Change[] = [];
      while (deleted.length < 50) {
        await tick();
        while (deleted.length < 50) {
          const next = await probe.expectNext().catch(() => null);
          if (next === null) break;
          deleted.push(next);
        }
      }
      expect(new Set(deleted.map(([p, c]) => `${c} ${p}`))).toEqual(new Set(files.map((f) => `deletion ${f}`)));
      probe.cancel();
    }, 20_000);

    it('emits the deletions of the remaining entries and completes when the directory itself is deleted', async () => {
      const dir = tmp.file('watched');
      fs.mkdirSync(dir);
      fs.writeFileSync(tmp.file('watched', 'a'), '');
      fs.writeFileSync(tmp.file('watched', 'b'), '');
      const { probe, tick } = watch(dir, { usePolling });
      probe.request(5);
      fs.rmSync(dir, { recursive: true });
      await tick();
      const changes = [await probe.expectNext(), await probe.expectNext()];
      expect([...changes].sort()).toEqual([
        [tmp.file('watched', 'a'), 'deletion'],
        [tmp.file('watched', 'b'), 'deletion'],
      ]);
      await probe.expectComplete();
    });

    it('fails with ENOENT for a missing directory and ENOTDIR for a file, naming the path', async () => {
      const missing = watch(tmp.file('nope'), { usePolling });
      missing.probe.request(1);
      expect(await missing.probe.expectError()).toMatchObject({ code: 'ENOENT', message: expect.stringContaining(tmp.file('nope')) });
      fs.writeFileSync(tmp.file('file'), '');
      const notDir = watch(tmp.file('file'), { usePolling });
      notDir.probe.request(1);
      expect(await notDir.probe.expectError()).toMatchObject({ code: 'ENOTDIR', message: expect.stringContaining(tmp.file('file')) });
    });
  });
}

describe('DirectoryChangesSource.create: buffer overflow', () => {
  const tmp = useTempDir();

  it('fails with BufferOverflowError instead of dropping changes when more than maxBufferSize wait (fs.watch, no demand)', async () => {
    const { probe } = watch(tmp.path, { usePolling: false, maxBufferSize: 5 });
    for (let i = 0; i < 10; i++) fs.writeFileSync(tmp.file(`f${i}`), '');
    const error = await probe.expectError();
    expect(error).toBeInstanceOf(BufferOverflowError);
    expect((error as Error).message).toContain(`DirectoryChangesSource(${tmp.path}): more than maxBufferSize = 5 changes are waiting for downstream`);
  });

  it('fails with BufferOverflowError when one listing finds more changes than maxBufferSize (polling)', async () => {
    const { probe, tick } = watch(tmp.path, { usePolling: true, maxBufferSize: 5 });
    probe.request(1);
    for (let i = 0; i < 10; i++) fs.writeFileSync(tmp.file(`f${i}`), '');
    await tick();
    expect(await probe.expectError()).toBeInstanceOf(BufferOverflowError);
  });
});

describe('DirectoryChangesSource.create on the system scheduler', () => {
  const tmp = useTempDir();

  it('reports changes within a few intervals, and closes its watcher when cancelled', async () => {
    const seen: Change[] = [];
    const [killSwitch, done] = DirectoryChangesSource.create(tmp.path, { pollIntervalMs: 10 })
      .viaMat(KillSwitches.single<Change>(), Keep.right)
      .toMat(
        Sink.foreach((c: Change) => void seen.push(c)),
        Keep.both,
      )
      .run();
    fs.writeFileSync(tmp.file('a'), '');
    await eventually(
      () => seen.length === 1,
      () => 'the creation',
    );
    fs.rmSync(tmp.file('a'));
    await eventually(
      () => seen.length === 2,
      () => 'the deletion',
    );
    killSwitch.shutdown();
    await done;
    expect(seen).toEqual([
      [tmp.file('a'), 'creation'],
      [tmp.file('a'), 'deletion'],
    ]);
    // The leak check after the test makes sure no FSEventWrap (watcher) or timer is left.
  });

  it('rejects bad arguments when the source is built', () => {
    expect(() => DirectoryChangesSource.create('')).toThrow('DirectoryChangesSource.create: dir must be a non-empty path string or a file: URL, got ""');
    expect(() => DirectoryChangesSource.create(tmp.path, { pollIntervalMs: -1 })).toThrow(
      'DirectoryChangesSource.create: pollIntervalMs must be a positive finite number of milliseconds, got -1',
    );
    expect(() => DirectoryChangesSource.create(tmp.path, { maxBufferSize: 0 })).toThrow(
      'DirectoryChangesSource.create: maxBufferSize must be a positive integer, got 0',
    );
    expect(() => DirectoryChangesSource.create(tmp.path, { usePolling: 1 as never })).toThrow(
      'DirectoryChangesSource.create: usePolling must be a boolean, got 1',
    );
  });

  it('takes its starting state when materialized: a file created right after run() is reported', async () => {
    const probe = DirectoryChangesSource.create(tmp.path, { pollIntervalMs: 10 }).runWith(TestSink.probe<Change>(), quietMaterializer());
    fs.writeFileSync(tmp.file('immediately'), '');
    probe.request(1);
    expect(await probe.expectNext()).toEqual([tmp.file('immediately'), 'creation']);
    probe.cancel();
  });
});
