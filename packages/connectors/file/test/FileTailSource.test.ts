import fs from 'node:fs';
import { Keep, KillSwitches, Materializer, Sink } from '@tributary/core';
import { FileTailSource } from '@tributary/file';
import { TestSink, type TestSubscriberProbe, VirtualScheduler } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { eventually, openDescriptorsUnder, patternBytes, useTempDir } from './helpers.js';

const Poll = 100;

/** A tail in virtual time: the test moves the clock, so polls happen exactly when it says. */
function tail(file: string, options: Parameters<typeof FileTailSource.create>[1] = {}) {
  const scheduler = new VirtualScheduler();
  const mat = new Materializer({ scheduler, logger: null });
  const probe = FileTailSource.create(file, { pollingIntervalMs: Poll, ...options }).runWith(TestSink.probe<Buffer>(), mat);
  /** Waits until the tail is at the end of the file, its next poll scheduled (after its real I/O). */
  const atEnd = (): Promise<void> =>
    eventually(
      () => scheduler.pendingTimers > 0,
      () => 'the tail to schedule its next poll',
    );
  /** Lets the next poll happen. */
  const poll = async (): Promise<void> => {
    await atEnd();
    await scheduler.advance(Poll);
  };
  return { probe, poll, atEnd, scheduler };
}

/** Collects chunks until their text equals `expected` (chunking is the tail's business). */
async function expectText(probe: TestSubscriberProbe<Buffer>, expected: string): Promise<void> {
  let text = '';
  while (text.length < expected.length) text += (await probe.expectNext()).toString();
  expect(text).toBe(expected);
}

describe('FileTailSource.create', () => {
  const tmp = useTempDir();

  it('emits the file, then what is appended — found by the next poll on the scheduler — and never completes', async () => {
    const file = tmp.file('app.log');
    fs.writeFileSync(file, 'first line\n');
    const { probe, poll, atEnd } = tail(file);
    probe.request(10);
    await expectText(probe, 'first line\n');
    await atEnd();
    fs.appendFileSync(file, 'second line\n');
    // Virtual time stands still: no poll, so nothing new yet.
    await probe.expectNoMessage(50);
    await poll();
    await expectText(probe, 'second line\n');
    await poll();
    await poll();
    await probe.expectNoMessage(30); // no completion at the end of the file
    fs.appendFileSync(file, 'third\n');
    await poll();
    await expectText(probe, 'third\n');
    probe.cancel();
  });

  it('starts at startingPosition and emits chunks of at most maxChunkSize bytes, reading only on demand', async () => {
    const file = tmp.file('data.bin');
    const content = patternBytes(10_000);
    fs.writeFileSync(file, content);
    const { probe } = tail(file, { startingPosition: 1000, maxChunkSize: 4000 });
    probe.request(1);
    expect((await probe.expectNext()).equals(content.subarray(1000, 5000))).toBe(true);
    await probe.expectNoMessage(50);
    probe.request(2);
    expect((await probe.expectNext()).equals(content.subarray(5000, 9000))).toBe(true);
    expect((await probe.expectNext()).equals(content.subarray(9000))).toBe(true);
    probe.cancel();
  });

  it('reads a file that was truncated again from the start', async () => {
    const file = tmp.file('app.log');
    fs.writeFileSync(file, 'a long first line of the old content\n');
    const { probe, poll } = tail(file);
    probe.request(10);
    await expectText(probe, 'a long first line of the old content\n');
    fs.writeFileSync(file, 'fresh\n'); // truncates and writes: shorter than before
    await poll();
    await expectText(probe, 'fresh\n');
    probe.cancel();
  });

  it('follows a rotation: the renamed file to its end, then the new file at the path from its start', async () => {
    const file = tmp.file('app.log');
    fs.writeFileSync(file, 'old 1\n');
    const { probe, poll } = tail(file);
    probe.request(10);
    await expectText(probe, 'old 1\n');
    fs.appendFileSync(file, 'old 2\n');
    fs.renameSync(file, tmp.file('app.log.1'));
    fs.writeFileSync(file, 'new 1\n');
    await poll();
    await expectText(probe, 'old 2\n');
    await poll();
    await expectText(probe, 'new 1\n');
    fs.appendFileSync(file, 'new 2\n');
    await poll();
    await expectText(probe, 'new 2\n');
    probe.cancel();
    await eventually(
      () => openDescriptorsUnder(tmp.path).length === 0,
      () => 'both files to be closed',
    );
  });

  it('keeps tailing a deleted file that a writer still has open, until a new file appears at the path', async () => {
    const file = tmp.file('app.log');
    fs.writeFileSync(file, 'before\n');
    const writer = fs.openSync(file, 'a');
    try {
      const { probe, poll } = tail(file);
      probe.request(10);
      await expectText(probe, 'before\n');
      fs.rmSync(file);
      fs.writeSync(writer, 'still heard\n');
      await poll();
      await expectText(probe, 'still heard\n');
      fs.writeFileSync(file, 'recreated\n');
      await poll();
      await expectText(probe, 'recreated\n');
      probe.cancel();
    } finally {
      fs.closeSync(writer);
    }
  });

  it('fails with ENOENT, naming the path, when the file does not exist', async () => {
    const missing = tmp.file('missing.log');
    const { probe } = tail(missing);
    probe.request(1);
    const error = await probe.expectError();
    expect(error).toMatchObject({ code: 'ENOENT', message: expect.stringContaining(missing) });
  });

  it('with waitForFile, waits (polling) for a file that does not exist yet', async () => {
    const file = tmp.file('later.log');
    const { probe, poll } = tail(file, { waitForFile: true });
    probe.request(5);
    await poll();
    await probe.expectNoMessage(30);
    fs.writeFileSync(file, 'there now\n');
    await poll();
    await expectText(probe, 'there now\n');
    probe.cancel();
  });

  it('fails with EISDIR, naming the path, for a directory (also with waitForFile)', async () => {
    for (const waitForFile of [false, true]) {
      const { probe } = tail(tmp.path, { waitForFile });
      probe.request(1);
      expect(await probe.expectError()).toMatchObject({ code: 'EISDIR', message: expect.stringContaining(tmp.path) });
    }
  });

  it('closes the file when cancelled by a kill switch while waiting at the end of the file', async () => {
    const file = tmp.file('app.log');
    fs.writeFileSync(file, 'x\n');
    let text = '';
    const [killSwitch, done] = FileTailSource.create(file, { pollingIntervalMs: 10 })
      .viaMat(KillSwitches.single<Buffer>(), Keep.right)
      .toMat(
        Sink.foreach((b: Buffer) => void (text += b.toString())),
        Keep.both,
      )
      .run();
    // at the end of the file: everything read, the file still open, the tail polling for more
    await eventually(
      () => text === 'x\n',
      () => `the file's contents (so far ${JSON.stringify(text)})`,
    );
    expect(openDescriptorsUnder(tmp.path)).toHaveLength(1);
    killSwitch.shutdown();
    await done;
    expect(text).toBe('x\n');
    await eventually(
      () => openDescriptorsUnder(tmp.path).length === 0,
      () => 'the file to be closed',
    );
  });

  it('on the system scheduler, picks up appended lines within a few polling intervals', async () => {
    const file = tmp.file('app.log');
    fs.writeFileSync(file, '');
    let text = '';
    const [killSwitch, done] = FileTailSource.create(file, { pollingIntervalMs: 5 })
      .viaMat(KillSwitches.single<Buffer>(), Keep.right)
      .toMat(
        Sink.foreach((b: Buffer) => void (text += b.toString())),
        Keep.both,
      )
      .run();
    const expected = Array.from({ length: 5 }, (_, i) => `line ${i}\n`).join('');
    for (let i = 0; i < 5; i++) {
      fs.appendFileSync(file, `line ${i}\n`);
      await new Promise<void>((r) => setTimeout(r, 10));
    }
    await eventually(
      () => text === expected,
      () => `all lines (got ${JSON.stringify(text)})`,
    );
    killSwitch.shutdown();
    await done;
  });

  it('rejects bad arguments when the source is built', () => {
    expect(() => FileTailSource.create('')).toThrow('FileTailSource.create: path must be a non-empty path string or a file: URL, got ""');
    expect(() => FileTailSource.create('f', { maxChunkSize: 0 })).toThrow('FileTailSource.create: maxChunkSize must be a positive integer, got 0');
    expect(() => FileTailSource.create('f', { startingPosition: -1 })).toThrow(
      'FileTailSource.create: startingPosition must be a non-negative integer, got -1',
    );
    expect(() => FileTailSource.create('f', { pollingIntervalMs: 0 })).toThrow(
      'FileTailSource.create: pollingIntervalMs must be a positive finite number of milliseconds, got 0',
    );
    expect(() => FileTailSource.create('f', { waitForFile: 'yes' as never })).toThrow('FileTailSource.create: waitForFile must be a boolean, got "yes"');
  });
});
