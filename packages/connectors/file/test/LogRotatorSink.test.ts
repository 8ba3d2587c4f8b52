import fs from 'node:fs';
import { Attributes, Keep, Materializer, Sink, Source, Supervision } from '@tributary/core';
import { FileIO, LogRotatorSink } from '@tributary/file';
import { TestSource, VirtualScheduler } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { openDescriptorsUnder, quietMaterializer, sleep, useTempDir } from './helpers.js';

const bytes = (s: string): Buffer => Buffer.from(s);

/** A new file whenever the current one would grow beyond `max` bytes: `${prefix}-0`, `${prefix}-1`, … */
function sizeRotation(prefix: string, max: number) {
  return () => {
    let written = Infinity;
    let index = 0;
    return (chunk: Uint8Array): string | undefined => {
      if (written + chunk.length <= max) {
        written += chunk.length;
        return undefined;
      }
      written = chunk.length;
      return `${prefix}-${index++}`;
    };
  };
}

describe('LogRotatorSink.create', () => {
  const tmp = useTempDir();

  it('rotates by size: every byte lands once, in order, and no file exceeds the limit', async () => {
    const chunks = Array.from({ length: 20 }, (_, i) => bytes(`line ${String(i).padStart(3, '0')} ${'x'.repeat(i % 7)}\n`));
    await Source.from(chunks).runWith(LogRotatorSink.create(sizeRotation(tmp.file('app'), 64)));
    const files = fs.readdirSync(tmp.path).sort((a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1]));
    expect(files.length).toBeGreaterThan(3);
    const contents = files.map((f) => fs.readFileSync(tmp.file(f)));
    for (const c of contents) expect(c.length).toBeLessThanOrEqual(64);
    expect(Buffer.concat(contents).equals(Buffer.concat(chunks))).toBe(true);
    expect(openDescriptorsUnder(tmp.path), 'the last file is closed when the promise resolves').toEqual([]);
  });

  it('flushes and closes each file before it opens the next one', async () => {
    const events: string[] = [];
    const sink = LogRotatorSink.withSinkFactory(
      () => {
        let n = 0;
        return () => (n++ % 3 === 0 ? tmp.file(`part-${n}`) : undefined);
      },
      (path) => {
        events.push(`open ${path} (descriptors open: ${openDescriptorsUnder(tmp.path).length})`);
        return FileIO.toPath(path).mapMaterializedValue((io) => io.then((r) => void events.push(`closed ${path} after ${r.count} bytes`)));
      },
    );
    await Source.from(['a', 'b', 'c', 'd', 'e', 'f', 'g']).map(bytes).runWith(sink);
    expect(events).toEqual([
      `open ${tmp.file('part-1')} (descriptors open: 0)`,
      `closed ${tmp.file('part-1')} after 3 bytes`,
      `open ${tmp.file('part-4')} (descriptors open: 0)`,
      `closed ${tmp.file('part-4')} after 3 bytes`,
      `open ${tmp.file('part-7')} (descriptors open: 0)`,
      `closed ${tmp.file('part-7')} after 1 bytes`,
    ]);
    expect(fs.readFileSync(tmp.file('part-4'), 'utf8')).toBe('def');
  });

  it('rotates by time through the materializer scheduler (virtual time)', async () => {
    const scheduler = new VirtualScheduler();
    const mat = new Materializer({ scheduler, logger: null });
    const hourly = () => {
      let currentHour = -1;
      return (): string | undefined => {
        const hour = Math.floor(scheduler.now() / 3_600_000);
        if (hour === currentHour) return undefined;
        currentHour = hour;
        return tmp.file(`hour-${hour}.log`);
      };
    };
    const [up, done] = TestSource.probe<Buffer>().toMat(LogRotatorSink.create(hourly), Keep.both).run(mat);
    const send = async (s: string): Promise<void> => {
      await up.expectRequest();
      up.sendNext(bytes(s));
    };
    await send('a1 ');
    await send('a2 ');
    await scheduler.advance(3_600_000);
    await send('b1 ');
    await scheduler.advance(2 * 3_600_000);
    await send('d1 ');
    await up.expectRequest();
    up.sendComplete();
    await done;
    expect(fs.readdirSync(tmp.path).sort()).toEqual(['hour-0.log', 'hour-1.log', 'hour-3.log']);
    expect(fs.readFileSync(tmp.file('hour-0.log'), 'utf8')).toBe('a1 a2 ');
    expect(fs.readFileSync(tmp.file('hour-1.log'), 'utf8')).toBe('b1 ');
    expect(fs.readFileSync(tmp.file('hour-3.log'), 'utf8')).toBe('d1 ');
  });

  it("appends to a file that exists by default (flags 'a'), and truncates it with flags 'w'", async () => {
    fs.writeFileSync(tmp.file('log'), 'before\n');
    const toLog = () => () => tmp.file('log');
    await Source.single(bytes('after\n')).runWith(LogRotatorSink.create(toLog));
    expect(fs.readFileSync(tmp.file('log'), 'utf8')).toBe('before\nafter\n');
    await Source.single(bytes('only\n')).runWith(LogRotatorSink.create(toLog, { flags: 'w' }));
    expect(fs.readFileSync(tmp.file('log'), 'utf8')).toBe('only\n');
  });

  it('writes each element that returns the same path again to a freshly opened file (rotation to the same path)', async () => {
    await Source.from(['1', '2', '3'])
      .map(bytes)
      .runWith(LogRotatorSink.create(() => () => tmp.file('same'), { flags: 'a' }));
    expect(fs.readFileSync(tmp.file('same'), 'utf8')).toBe('123');
  });

  it('completes without creating a file when upstream is empty', async () => {
    await Source.empty<Buffer>().runWith(LogRotatorSink.create(sizeRotation(tmp.file('none'), 10)));
    expect(fs.readdirSync(tmp.path)).toEqual([]);
  });

  it('calls triggerGeneratorCreator once per materialization', async () => {
    let created = 0;
    const sink = LogRotatorSink.create(() => {
      const file = tmp.file(`run-${created++}`);
      let first = true;
      return () => {
        if (!first) return undefined;
        first = false;
        return file;
      };
    });
    await Source.from(['a', 'b']).map(bytes).runWith(sink);
    await Source.from(['c']).map(bytes).runWith(sink);
    expect(created).toBe(2);
    expect(fs.readFileSync(tmp.file('run-0'), 'utf8')).toBe('ab');
    expect(fs.readFileSync(tmp.file('run-1'), 'utf8')).toBe('c');
  });

  it('fails clearly when the first element gets no path (there is no file to write it to)', async () => {
    const done = Source.single(bytes('lost?')).runWith(
      LogRotatorSink.create(() => () => undefined),
      quietMaterializer(),
    );
    await expect(done).rejects.toThrow(
      'LogRotatorSink.create: the trigger generator returned no path for the first element, so there is no file to write it to',
    );
  });

  it('fails with a TypeError when the trigger returns something that is not a path', async () => {
    const done = Source.single(bytes('x')).runWith(
      LogRotatorSink.create(() => () => 42 as unknown as string),
      quietMaterializer(),
    );
    await expect(done).rejects.toThrow(
      'LogRotatorSink.create: the trigger generator must return a path string to rotate to, or undefined to stay with the current file; got 42',
    );
  });

  it('fails the stream and the promise with the fs error, naming the path, when a file cannot be opened, and cancels upstream', async () => {
    fs.writeFileSync(tmp.file('plain'), '');
    const target = tmp.file('plain', 'sub.log');
    const [up, done] = TestSource.probe<Buffer>()
      .toMat(
        LogRotatorSink.create(() => () => target),
        Keep.both,
      )
      .run(quietMaterializer());
    await up.expectRequest();
    up.sendNext(bytes('x'));
    await expect(done).rejects.toMatchObject({ code: 'ENOTDIR', message: expect.stringContaining(target) });
    await up.expectCancellation();
  });

  it('fails with EPERM when a rotation reaches a file that may not be written (chattr +i), after finishing the previous file', async () => {
    const frozen = tmp.file('frozen.log');
    fs.writeFileSync(frozen, '');
    tmp.makeImmutable(frozen);
    let n = 0;
    const trigger = () => () => (n++ === 2 ? frozen : n === 1 ? tmp.file('ok.log') : undefined);
    const done = Source.from(['1', '2', '3', '4']).map(bytes).runWith(LogRotatorSink.create(trigger), quietMaterializer());
    await expect(done).rejects.toMatchObject({ code: 'EPERM', message: expect.stringContaining(frozen) });
    expect(fs.readFileSync(tmp.file('ok.log'), 'utf8')).toBe('12');
  });

  it('on upstream failure, writes and closes the current file, then rejects with the upstream error', async () => {
    const boom = new Error('upstream failed');
    const [up, done] = TestSource.probe<Buffer>()
      .toMat(
        LogRotatorSink.create(() => () => tmp.file('current.log')),
        Keep.both,
      )
      .run(quietMaterializer());
    await up.expectRequest();
    up.sendNext(bytes('first '));
    await up.expectRequest();
    up.sendError(boom);
    await expect(done).rejects.toBe(boom);
    expect(fs.readFileSync(tmp.file('current.log'), 'utf8')).toBe('first ');
    expect(openDescriptorsUnder(tmp.path)).toEqual([]);
  });

  it('honours supervision when the trigger throws: stop fails, resume drops the element, restart also renews the trigger', async () => {
    const boom = new Error('bad element');
    let creations = 0;
    const trigger = () => {
      const file = tmp.file(`gen-${creations++}`);
      let first = true;
      return (chunk: Uint8Array): string | undefined => {
        if (chunk[0] === 0x21 /* ! */) throw boom;
        if (!first) return undefined;
        first = false;
        return file;
      };
    };
    const input = () => Source.from(['a', '!', 'b']).map(bytes);
    await expect(input().runWith(LogRotatorSink.create(trigger), quietMaterializer())).rejects.toBe(boom);
    fs.rmSync(tmp.file('gen-0'));

    creations = 0;
    await input().runWith(LogRotatorSink.create(trigger).withAttributes(Attributes.supervisionStrategy(Supervision.resume)));
    expect(fs.readFileSync(tmp.file('gen-0'), 'utf8')).toBe('ab');

    creations = 0;
    fs.rmSync(tmp.file('gen-0'));
    await input().runWith(LogRotatorSink.create(trigger).withAttributes(Attributes.supervisionStrategy(Supervision.restart)));
    // The restarted trigger starts a new file with the next element.
    expect(fs.readFileSync(tmp.file('gen-0'), 'utf8')).toBe('a');
    expect(fs.readFileSync(tmp.file('gen-1'), 'utf8')).toBe('b');
  });

  it('pulls upstream only as fast as the current file sink takes elements', async () => {
    let pulled = 0;
    let taken = 0;
    const slowSink = () =>
      Sink.foreachAsync(1, async () => {
        taken++;
        await sleep(2);
      });
    const done = Source.range(1, 100)
      .map((i) => {
        pulled++;
        return bytes(String(i));
      })
      .runWith(
        LogRotatorSink.withSinkFactory(() => {
          let n = 0;
          return () => (n++ % 25 === 0 ? `segment-${n}` : undefined);
        }, slowSink),
      );
    for (let i = 0; i < 20; i++) {
      await sleep(5);
      expect(pulled - taken).toBeLessThanOrEqual(3);
    }
    await done;
    expect(taken).toBe(100);
  });

  it('fails when a per-file sink stops taking elements before the stream ends (nothing is dropped silently)', async () => {
    const done = Source.from(['a', 'b', 'c'])
      .map(bytes)
      .runWith(
        LogRotatorSink.withSinkFactory(
          () => {
            let first = true;
            return () => (first ? ((first = false), 'only') : undefined);
          },
          () => Sink.head<Uint8Array>(),
        ),
        quietMaterializer(),
      );
    await expect(done).rejects.toThrow("LogRotatorSink.withSinkFactory: the sink for 'only' cancelled before the stream ended");
  });

  it('rejects bad arguments when the sink is built', () => {
    expect(() => LogRotatorSink.create(undefined as never)).toThrow('LogRotatorSink.create: triggerGeneratorCreator must be a function, got undefined');
    expect(() => LogRotatorSink.create(() => () => undefined, { flags: 'nope' })).toThrow(/LogRotatorSink.create: flags must be an fs open flag string/);
    expect(() => LogRotatorSink.withSinkFactory(() => () => undefined, 'sink' as never)).toThrow(
      'LogRotatorSink.withSinkFactory: sinkFactory must be a function, got "sink"',
    );
  });
});
