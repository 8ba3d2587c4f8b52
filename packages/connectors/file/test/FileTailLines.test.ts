import fs from 'node:fs';
import { FramingError, Keep, KillSwitches, Materializer, Sink } from '@tributary/core';
import { FileTailSource } from '@tributary/file';
import { TestSink, VirtualScheduler } from '@tributary/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventually, openDescriptorsUnder, useTempDir } from './helpers.js';

const Poll = 100;

/** Lines of a tail in virtual time: the test moves the clock, so polls happen exactly when it says. */
function tailLines(file: string, options: Parameters<typeof FileTailSource.lines>[1] = {}) {
  const scheduler = new VirtualScheduler();
  const mat = new Materializer({ scheduler, logger: null });
  const probe = FileTailSource.lines(file, { pollingIntervalMs: Poll, ...options }).runWith(TestSink.probe<string>(), mat);
  /** Waits until the tail is at the end of the file, its next poll scheduled (after its real I/O). */
  const atEnd = (): Promise<void> =>
    eventually(
      () => scheduler.pendingTimers > 0,
      () => 'the tail to schedule its next poll',
    );
  const poll = async (): Promise<void> => {
    await atEnd();
    await scheduler.advance(Poll);
  };
  return { probe, poll, atEnd };
}

describe('FileTailSource.lines', () => {
  const tmp = useTempDir();

  it('emits the lines of the file, then each appended line at the next poll, and never completes', async () => {
    const file = tmp.file('app.log');
    fs.writeFileSync(file, 'one\r\ntwo\n\nfour\n');
    const { probe, poll, atEnd } = tailLines(file);
    probe.request(20);
    await probe.expectNextN(['one', 'two', '', 'four']);
    await atEnd();
    fs.appendFileSync(file, 'five\nsix\n');
    await probe.expectNoMessage(50); // virtual time stands still: no poll yet
    await poll();
    await probe.expectNextN(['five', 'six']);
    await poll();
    await probe.expectNoMessage(30); // no completion at the end of the file
    probe.cancel();
  });

  it('holds a last line without a newline until its newline is written, and joins its parts', async () => {
    const file = tmp.file('app.log');
    fs.writeFileSync(file, 'done\nhalf of a ');
    const { probe, poll } = tailLines(file);
    probe.request(10);
    expect(await probe.expectNext()).toBe('done');
    await poll();
    await probe.expectNoMessage(30);
    fs.appendFileSync(file, 'line');
    await poll();
    await probe.expectNoMessage(30);
    fs.appendFileSync(file, '\nnext\n');
    await poll();
    await probe.expectNextN(['half of a line', 'next']);
    probe.cancel();
  });

  it('decodes a UTF-8 character cut between reads whole (maxChunkSize 1)', async () => {
    const file = tmp.file('utf8.log');
    fs.writeFileSync(file, 'é€😀\nß\n');
    const { probe } = tailLines(file, { maxChunkSize: 1 });
    probe.request(3);
    await probe.expectNextN(['é€😀', 'ß']);
    probe.cancel();
  });

  it('reads latin1 when told to', async () => {
    const file = tmp.file('latin1.log');
    fs.writeFileSync(file, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])); // "café\n" in latin1
    const { probe } = tailLines(file, { encoding: 'latin1' });
    probe.request(2);
    expect(await probe.expectNext()).toBe('café');
    probe.cancel();
  });

  it("emits the unterminated last line of a file rotated away on its own, then the new file's lines", async () => {
    const file = tmp.file('app.log');
    fs.writeFileSync(file, 'old 1\nold tail without newline');
    const { probe, poll } = tailLines(file);
    probe.request(10);
    expect(await probe.expectNext()).toBe('old 1');
    fs.renameSync(file, tmp.file('app.log.1'));
    fs.writeFileSync(file, 'new 1\n');
    await poll();
    await probe.expectNextN(['old tail without newline', 'new 1']);
    probe.cancel();
    await eventually(
      () => openDescriptorsUnder(tmp.path).length === 0,
      () => 'both files to be closed',
    );
  });

  it('emits the unterminated last line of a truncated file on its own, then reads the file again', async () => {
    const file = tmp.file('app.log');
    fs.writeFileSync(file, 'a first line of the old content\nunfinished old line');
    const { probe, poll } = tailLines(file);
    probe.request(10);
    expect(await probe.expectNext()).toBe('a first line of the old content');
    fs.writeFileSync(file, 'fresh\n'); // truncated and rewritten: shorter than before
    await poll();
    await probe.expectNextN(['unfinished old line', 'fresh']);
    probe.cancel();
  });

  it('adds no empty line when a file that ended in a newline is rotated away', async () => {
    const file = tmp.file('app.log');
    fs.writeFileSync(file, 'old\n');
    const { probe, poll } = tailLines(file);
    probe.request(10);
    expect(await probe.expectNext()).toBe('old');
    fs.renameSync(file, tmp.file('app.log.1'));
    fs.writeFileSync(file, 'new\n');
    await poll();
    expect(await probe.expectNext()).toBe('new');
    await poll();
    await probe.expectNoMessage(30);
    probe.cancel();
  });

  it('starts at startingPosition: a position inside a line gives the rest of that line first', async () => {
    const file = tmp.file('app.log');
    fs.writeFileSync(file, 'skipped\nmiddle of a line\nlast\n');
    const { probe } = tailLines(file, { startingPosition: 'skipped\nmiddle '.length });
    probe.request(3);
    await probe.expectNextN(['of a line', 'last']);
    probe.cancel();
  });

  it('reads only on demand: one line requested, the rest of the file is not read', async () => {
    const file = tmp.file('big.log');
    const lines = Array.from({ length: 10_000 }, (_, i) => `line ${i}`);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const { probe } = tailLines(file, { maxChunkSize: 64 });
    probe.request(1);
    expect(await probe.expectNext()).toBe('line 0');
    await probe.expectNoMessage(30);
    probe.request(2);
    await probe.expectNextN(['line 1', 'line 2']);
    probe.cancel();
  });

  it('fails with a FramingError naming the limit when a line is longer than maxLineLength, and closes the file', async () => {
    const file = tmp.file('app.log');
    fs.writeFileSync(file, `short\n${'x'.repeat(100)}\n`);
    const { probe } = tailLines(file, { maxLineLength: 50 });
    probe.request(5);
    expect(await probe.expectNext()).toBe('short');
    const error = await probe.expectError();
    expect(error).toBeInstanceOf(FramingError);
    expect((error as Error).message).toContain('50');
    await eventually(
      () => openDescriptorsUnder(tmp.path).length === 0,
      () => 'the file to be closed',
    );
  });

  it('fails with ENOENT naming the path for a missing file; with waitForFile reads it once it appears', async () => {
    const missing = tmp.file('missing.log');
    const failing = tailLines(missing);
    failing.probe.request(1);
    expect(await failing.probe.expectError()).toMatchObject({ code: 'ENOENT', message: expect.stringContaining(missing) });

    const waiting = tailLines(missing, { waitForFile: true });
    waiting.probe.request(2);
    await waiting.poll();
    await waiting.probe.expectNoMessage(30);
    fs.writeFileSync(missing, 'there now\n');
    await waiting.poll();
    expect(await waiting.probe.expectNext()).toBe('there now');
    waiting.probe.cancel();
  });

  it('closes the file when stopped by a kill switch while waiting for more lines', async () => {
    const file = tmp.file('app.log');
    fs.writeFileSync(file, 'x\ny\npartial');
    const seen: string[] = [];
    const [killSwitch, done] = FileTailSource.lines(file, { pollingIntervalMs: 10 })
      .viaMat(KillSwitches.single<string>(), Keep.right)
      .toMat(
        Sink.foreach((line: string) => void seen.push(line)),
        Keep.both,
      )
      .run();
    await eventually(
      () => seen.length === 2,
      () => `the two complete lines (so far ${JSON.stringify(seen)})`,
    );
    await eventually(
      () => openDescriptorsUnder(tmp.path).length === 1,
      () => 'the tail to hold the file open',
    );
    killSwitch.shutdown();
    await done;
    expect(seen).toEqual(['x', 'y']); // the unfinished line is not emitted
    await eventually(
      () => openDescriptorsUnder(tmp.path).length === 0,
      () => 'the file to be closed',
    );
  });

  it('property: whatever is appended in whatever pieces, the lines are the complete lines of the text (oracle: split on \\n)', async () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'é', '€', '😀', ' ', '\n', '\r'), maxLength: 40 });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(text, { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 16 }), async (pieces, maxChunkSize) => {
        const file = tmp.file(`prop-${run++}.log`);
        fs.writeFileSync(file, pieces[0]!);
        const { probe, poll, atEnd } = tailLines(file, { maxChunkSize });
        probe.request(1000);
        for (const piece of pieces.slice(1)) {
          await atEnd();
          fs.appendFileSync(file, piece);
          await poll();
        }
        const complete = pieces.join('').split('\n').slice(0, -1);
        const expected = complete.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
        await probe.expectNextN(expected);
        await atEnd();
        await probe.expectNoMessage(5); // the unterminated rest waits for its '\n'
        probe.cancel();
        await eventually(
          () => openDescriptorsUnder(tmp.path).length === 0,
          () => 'the file to be closed',
        );
      }),
      { numRuns: 25 },
    );
  });

  it('rejects bad arguments when the source is built, naming FileTailSource.lines', () => {
    expect(() => FileTailSource.lines('')).toThrow('FileTailSource.lines: path must be a non-empty path string or a file: URL, got ""');
    expect(() => FileTailSource.lines('f', null as never)).toThrow('FileTailSource.lines: options must be an object, got null');
    expect(() => FileTailSource.lines('f', { maxLineLength: 0 })).toThrow('FileTailSource.lines: maxLineLength must be a positive integer, got 0');
    expect(() => FileTailSource.lines('f', { maxChunkSize: 1.5 })).toThrow('FileTailSource.lines: maxChunkSize must be a positive integer, got 1.5');
    expect(() => FileTailSource.lines('f', { pollingIntervalMs: -1 })).toThrow(
      'FileTailSource.lines: pollingIntervalMs must be a positive finite number of milliseconds, got -1',
    );
    expect(() => FileTailSource.lines('f', { encoding: 'utf16le' as never })).toThrow(
      "FileTailSource.lines: encoding must be one of 'utf8', 'utf-8', 'latin1', 'binary', 'ascii' (an encoding in which '\\n' is the byte 0x0A), got \"utf16le\"",
    );
    expect(() => FileTailSource.lines('f', { startingPosition: -1 })).toThrow('FileTailSource.lines: startingPosition must be a non-negative integer, got -1');
  });
});
