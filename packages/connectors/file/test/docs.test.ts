/**
 * The examples of docs/file.md, run as tests (with a temp dir for the paths). Keep the two in sync:
 * each section of the guide with code is a test here.
 */
import fs from 'node:fs';
import { Keep, KillSwitches, Materializer, Sink, Source } from '@tributary/core';
import { Directory, DirectoryChangesSource, FileIO, FileTailSource, LogRotatorSink } from '@tributary/file';
import { TestSink, TestSource, VirtualScheduler } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { eventually, patternBytes, sleep, useTempDir } from './helpers.js';

/** docs/file.md, "Size-based rotation" (the directory is a parameter here). */
const bySize = (dir: string, maxBytes: number) => () => {
  let written = Infinity;
  let index = 0;
  return (chunk: Uint8Array): string | undefined => {
    if (written + chunk.length <= maxBytes) {
      written += chunk.length;
      return undefined;
    }
    written = chunk.length;
    return `${dir}/app-${index++}.log`;
  };
};

describe('docs/file.md', () => {
  const tmp = useTempDir();

  it('introduction: copies a file, 64 KiB at a time', async () => {
    fs.writeFileSync(tmp.file('in.bin'), patternBytes(300_000));
    const [read, written] = await Promise.all(
      FileIO.fromPath(tmp.file('in.bin'), { chunkSize: 64 * 1024 })
        .toMat(FileIO.toPath(tmp.file('out.bin')), Keep.both)
        .run(),
    );
    expect(read.count === written.count).toBe(true);
    expect(fs.readFileSync(tmp.file('out.bin')).equals(fs.readFileSync(tmp.file('in.bin')))).toBe(true);
  });

  it('FileIO.fromPath: counts bytes and lines', async () => {
    fs.writeFileSync(tmp.file('app.log'), 'one\ntwo\nthree\n');
    const [io, lines] = FileIO.fromPath(tmp.file('app.log'))
      .toMat(
        Sink.fold(0, (n, chunk: Buffer) => n + chunk.filter((b) => b === 0x0a).length),
        Keep.both,
      )
      .run();
    expect(`${(await io).count} bytes, ${await lines} lines`).toBe('14 bytes, 3 lines');
  });

  it('FileIO.toPath: appends two lines', async () => {
    const io = await Source.from(['first line\n', 'second line\n'])
      .map((line) => Buffer.from(line))
      .runWith(FileIO.toPath(tmp.file('out.txt'), { flags: 'a' }));
    expect(io.count).toBe(23);
  });

  it('FileTailSource: tails until the kill switch', async () => {
    fs.writeFileSync(tmp.file('app.log'), 'started\n');
    const seen: Buffer[] = [];
    const [killSwitch, done] = FileTailSource.create(tmp.file('app.log'), { pollingIntervalMs: 10 })
      .viaMat(KillSwitches.single<Buffer>(), Keep.right)
      .toMat(
        Sink.foreach((chunk: Buffer) => void seen.push(chunk)),
        Keep.both,
      )
      .run();
    await eventually(
      () => Buffer.concat(seen).toString() === 'started\n',
      () => 'the first line',
    );
    fs.appendFileSync(tmp.file('app.log'), 'more\n');
    await eventually(
      () => Buffer.concat(seen).toString() === 'started\nmore\n',
      () => 'the appended line',
    );
    killSwitch.shutdown();
    await done;
  });

  it('DirectoryChangesSource: processes uploads as they are created', async () => {
    const processed: string[] = [];
    const processUpload = async (file: string): Promise<void> => {
      processed.push(fs.readFileSync(file, 'utf8'));
    };
    const [killSwitch, done] = DirectoryChangesSource.create(tmp.path, { pollIntervalMs: 10 })
      .viaMat(KillSwitches.single<readonly [string, 'creation' | 'modification' | 'deletion']>(), Keep.right)
      .filter(([file, change]) => change === 'creation' && file.endsWith('.csv'))
      .mapAsync(1, ([file]) => processUpload(file))
      .toMat(Sink.ignore(), Keep.both)
      .run();
    const upload = tmp.file('upload.csv');
    fs.writeFileSync(`${upload}.tmp`, 'a,b,c');
    fs.renameSync(`${upload}.tmp`, upload); // appears complete
    await eventually(
      () => processed.length === 1,
      () => 'the upload to be processed',
    );
    expect(processed).toEqual(['a,b,c']);
    killSwitch.shutdown();
    await done;
  });

  it('LogRotatorSink: size-based rotation', async () => {
    const records = Source.range(1, 1000).map((i) => ({ id: i, text: 'x'.repeat(i % 50) }));
    await records.map((r) => Buffer.from(JSON.stringify(r) + '\n')).runWith(LogRotatorSink.create(bySize(tmp.path, 4096)));
    const files = fs.readdirSync(tmp.path);
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(fs.statSync(tmp.file(f)).size).toBeLessThanOrEqual(4096);
    const ids = files
      .sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]))
      .flatMap((f) => fs.readFileSync(tmp.file(f), 'utf8').trim().split('\n'))
      .map((line) => (JSON.parse(line) as { id: number }).id);
    expect(ids).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  it('LogRotatorSink: time-based rotation on the materializer scheduler', async () => {
    const scheduler = new VirtualScheduler();
    const materializer = new Materializer({ scheduler });
    const hourly = () => {
      let currentHour = -1;
      return (): string | undefined => {
        const hour = Math.floor(materializer.scheduler.now() / 3_600_000);
        if (hour === currentHour) return undefined;
        currentHour = hour;
        return tmp.file(`app-${new Date(hour * 3_600_000).toISOString().slice(0, 13)}.log`);
      };
    };
    // One event every 20 virtual minutes: three per hour.
    const [events, done] = TestSource.probe<Buffer>().toMat(LogRotatorSink.create(hourly), Keep.both).run(materializer);
    for (let i = 0; i < 7; i++) {
      await events.expectRequest();
      events.sendNext(Buffer.from('event\n'));
      await scheduler.advance(20 * 60_000);
    }
    await events.expectRequest();
    events.sendComplete();
    await done;
    expect(fs.readdirSync(tmp.path).sort()).toEqual(['app-1970-01-01T00.log', 'app-1970-01-01T01.log', 'app-1970-01-01T02.log']);
    expect(fs.readFileSync(tmp.file('app-1970-01-01T00.log'), 'utf8')).toBe('event\n'.repeat(3));
    expect(fs.readFileSync(tmp.file('app-1970-01-01T02.log'), 'utf8')).toBe('event\n');
  });

  it('Directory: walk for .log files, and mkdirs one directory per day', async () => {
    fs.mkdirSync(tmp.file('a', 'b', 'c'), { recursive: true });
    for (const f of ['x.log', 'a/y.log', 'a/b/z.log', 'a/b/c/too-deep.log', 'a/notes.txt']) fs.writeFileSync(tmp.file(f), '');
    const logs = await Directory.walk(tmp.path, { maxDepth: 2 })
      .filter((p) => p.endsWith('.log'))
      .runWith(Sink.seq());
    expect([...logs].sort()).toEqual([tmp.file('a', 'y.log'), tmp.file('x.log')]);

    const ready: string[] = [];
    await Source.from(['2024-01-01', '2024-01-02'])
      .map((day) => tmp.file('archive', day))
      .via(Directory.mkdirs())
      .runForeach((dir) => void ready.push(dir));
    expect(ready).toEqual([tmp.file('archive', '2024-01-01'), tmp.file('archive', '2024-01-02')]);
    expect(fs.statSync(tmp.file('archive', '2024-01-02')).isDirectory()).toBe(true);
  });

  it('a pipeline: log file → parse → rotate', async () => {
    interface LogEntry {
      time: string;
      level: string;
      message: string;
    }
    const parse = (line: string): LogEntry | undefined => {
      const m = /^(\S+) (INFO|WARN|ERROR) (.*)$/.exec(line);
      return m === null ? undefined : { time: m[1]!, level: m[2]!, message: m[3]! };
    };
    const log = tmp.file('app.log');
    const out = tmp.file('errors');
    fs.mkdirSync(out);
    fs.writeFileSync(log, '2024-05-01T10:00:00Z INFO started\n2024-05-01T10:00:01Z ERROR disk almost full\nnot a log line\n');
    const [killSwitch, done] = FileTailSource.lines(log, { pollingIntervalMs: 5 })
      .viaMat(KillSwitches.single<string>(), Keep.right)
      .collect(parse)
      .filter((e) => e.level === 'ERROR')
      .map((e) => Buffer.from(JSON.stringify(e) + '\n'))
      .toMat(LogRotatorSink.create(bySize(out, 100)), Keep.both)
      .run();
    // More lines arrive while the pipeline runs, one with its end written later.
    fs.appendFileSync(log, '2024-05-01T10:00:02Z WARN slow\n2024-05-01T10:00:03Z ERROR disk full\n2024-05-01T10:00:04Z ERR');
    await sleep(20);
    fs.appendFileSync(log, 'OR write failed\n');
    const written = (): string[] =>
      fs
        .readdirSync(out)
        .sort()
        .flatMap((f) =>
          fs
            .readFileSync(`${out}/${f}`, 'utf8')
            .split('\n')
            .filter((l) => l !== ''),
        );
    await eventually(
      () => written().length === 3,
      () => `three errors written (so far ${JSON.stringify(written())})`,
    );
    killSwitch.shutdown();
    await done;
    expect(written().map((l) => (JSON.parse(l) as LogEntry).message)).toEqual(['disk almost full', 'disk full', 'write failed']);
    expect(fs.readdirSync(out).length).toBe(3); // each entry is about 70 bytes: two do not fit in one 100-byte file
  });

  it('FileTailSource.lines: prints the ERROR lines until the kill switch', async () => {
    const log = tmp.file('app.log');
    fs.writeFileSync(log, '10:00 INFO up\r\n10:01 ERROR disk full\r\n');
    const printed: string[] = [];
    const [killSwitch, done] = FileTailSource.lines(log, { pollingIntervalMs: 5 })
      .filter((line) => line.includes(' ERROR '))
      .viaMat(KillSwitches.single<string>(), Keep.right)
      .toMat(
        Sink.foreach((line) => void printed.push(line)),
        Keep.both,
      )
      .run();
    fs.appendFileSync(log, '10:02 ERROR write ');
    await sleep(20);
    fs.appendFileSync(log, 'failed\n10:03 INFO ok\n');
    await eventually(
      () => printed.length === 2,
      () => `two ERROR lines (so far ${JSON.stringify(printed)})`,
    );
    killSwitch.shutdown();
    await done;
    expect(printed).toEqual(['10:01 ERROR disk full', '10:02 ERROR write failed']);
  });

  it('Testing: a tail in virtual time', async () => {
    const file = tmp.file('t.log');
    fs.writeFileSync(file, 'first\n');
    const scheduler = new VirtualScheduler();
    const mat = new Materializer({ scheduler });
    const probe = FileTailSource.create(file, { pollingIntervalMs: 100 }).runWith(TestSink.probe<Buffer>(), mat);
    probe.request(10);
    expect((await probe.expectNext()).toString()).toBe('first\n');
    while (scheduler.pendingTimers === 0) await sleep(1);
    fs.appendFileSync(file, 'more\n');
    await probe.expectNoMessage(50);
    await scheduler.advance(100);
    expect((await probe.expectNext()).toString()).toBe('more\n');
    probe.cancel();
  });
});
