/**
 * Scale-out across processes: three Node processes (each a member running the BUILT connector, see
 * fixtures/scaleOutMember.mjs) share a 6-partition topic in one consumer group; one is SIGKILLed mid-run.
 * The survivors take its partitions — checked with Kafka's own `ConsumerGroupCommand --describe --members`
 * — every record is processed at least once, and the duplicates are counted and bounded by the
 * uncommitted window: at most one committer batch per member whose partitions moved in the rebalance.
 * No member emits a process warning (`MaxListenersExceededWarning`, say) on the way.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaTools, runKafkaTool } from '../../../../infra/kafka/tools.mjs';
import { requireFreshBuild } from './freshBuild.js';
import { bootstrap, committed, createTopic, endOffsets, eventually, produce, unique } from './helpers.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const N = 30_000;
const RATE = 2_000; // records per second and member
const MAX_BATCH = 200;
const MAX_INTERVAL_MS = 200;

interface Member {
  readonly name: string;
  readonly child: ChildProcess;
  assignment: number[];
  processed: number;
  completed: boolean;
  readonly warnings: string[];
}

const members: Member[] = [];
afterEach(() => {
  for (const m of members) if (m.child.exitCode === null && m.child.signalCode === null) m.child.kill('SIGKILL');
  members.length = 0;
});

describe('scale-out across processes', () => {
  it('three members share 6 partitions; one is SIGKILLed, the survivors take over, nothing is lost', async () => {
    requireFreshBuild();
    const topic = await createTopic(unique('scale'), 6);
    const group = unique('scale-group');
    const seen = new Map<string, number>(); // "p:o" → times processed
    const start = (name: string): Member => {
      const child = spawn(
        process.execPath,
        [path.join(HERE, 'fixtures', 'scaleOutMember.mjs'), bootstrap(), topic, group, String(RATE), String(MAX_BATCH), String(MAX_INTERVAL_MS)],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const m: Member = { name, child, assignment: [], processed: 0, completed: false, warnings: [] };
      let rest = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        const lines = (rest + d).split('\n');
        rest = lines.pop()!;
        for (const line of lines) {
          if (line.startsWith('A '))
            m.assignment = line
              .slice(2)
              .split(',')
              .filter((x) => x !== '')
              .map(Number);
          else if (line === 'C') m.completed = true;
          else if (line.startsWith('W ')) m.warnings.push(line.slice(2));
          else if (line.startsWith('R ')) {
            for (const key of line.slice(2).split(' ')) seen.set(key, (seen.get(key) ?? 0) + 1);
            m.processed += line.split(' ').length - 1;
          }
        }
      });
      members.push(m);
      return m;
    };
    const [a, b, c] = [start('a'), start('b'), start('c')];
    await eventually('the group balanced: 2 partitions each', () => [a, b, c].every((m) => m.assignment.length === 2), 60_000);
    await produce(
      topic,
      Array.from({ length: N }, (_, i) => `v${i}`),
    );
    const ends = await endOffsets(topic);

    await eventually('member a processed 3000 records', () => a.processed >= 3000, 60_000);
    const killedPartitions = [...a.assignment];
    a.child.kill('SIGKILL');
    // The survivors get a's partitions once its session times out.
    await eventually('b and c hold all 6 partitions', () => [...b.assignment, ...c.assignment].sort().join() === '0,1,2,3,4,5', 60_000);
    const { stdout } = await runKafkaTool(KafkaTools.ConsumerGroupCommand, ['--bootstrap-server', bootstrap(), '--describe', '--members', '--group', group]);
    const rows = stdout
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((cols) => cols[0] === group);
    expect(rows.length).toBe(2);
    expect(rows.map((r) => Number(r[r.length - 1])).reduce((x, y) => x + y, 0)).toBe(6);

    const missing = (): string[] =>
      [...ends].flatMap(([p, end]) => {
        let first = -1;
        let count = 0;
        for (let o = 0; o < end; o++)
          if (!seen.has(`${p}:${o}`)) {
            if (first < 0) first = o;
            count++;
          }
        return count === 0 ? [] : [`partition ${p}: ${count} of ${end} missing from offset ${first}`];
      });
    await eventually(
      'every record processed',
      () => missing().length === 0,
      90_000,
      () =>
        [
          ...missing(),
          ...[b, c].map(
            (m) => `member ${m.name}: assignment [${m.assignment}], ${m.processed} processed, exit ${m.child.exitCode ?? m.child.signalCode ?? 'none'}`,
          ),
        ].join('\n'),
    );
    for (const m of [b, c]) m.child.kill('SIGTERM');
    await eventually('the survivors drained', () => b.completed && c.completed, 30_000);
    expect(await committed(group, topic)).toEqual(ends);

    const processings = [...seen.values()].reduce((x, y) => x + y, 0);
    const duplicates = processings - N;
    expect(seen.size).toBe(N);
    // No process warnings (MaxListenersExceededWarning among them) in any member, through joins, a kill and rebalances.
    expect(members.flatMap((m) => m.warnings)).toEqual([]);
    // Re-delivered: what a had processed but not committed, and what b and c had processed of partitions
    // that moved in the rebalance after the kill — at most one uncommitted batch (maxBatch records, or
    // maxInterval worth at RATE) plus one batch being committed, per member.
    const window = Math.max(MAX_BATCH, (RATE * MAX_INTERVAL_MS) / 1000);
    expect(duplicates).toBeLessThanOrEqual(3 * 2 * window);
    console.log(
      `scale-out: ${N} records over 3 processes; a (partitions ${killedPartitions}) SIGKILLed after ${a.processed} records; ` +
        `${processings} processings, ${duplicates} duplicates (bound ${3 * 2 * window})`,
    );
  });
});
