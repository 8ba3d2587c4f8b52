/**
 * Scale-out of the Kafka mode: three service processes in one consumer group over a 6-partition
 * `sensor-data`; one is SIGKILLed mid-run. The group's description (kafkajs admin `describeGroups`) shows
 * the survivors holding all six partitions, the killed one's among them; every record is scored at least
 * once and the committed offsets reach the end.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { kafkaTopicNames } from '../src/kafka/kafkaTopics.js';
import { publishToKafka } from '../src/kafka/publishToKafka.js';
import {
  bootstrap,
  committedOffsets,
  endOffsets,
  eventually,
  groupAssignment,
  readValues,
  recordCount,
  requireFreshBuild,
  ServiceProcess,
  unique,
} from './kafkaHarness.js';

const N = 6000;
/** Published before the kill; the rest is published only after it, so the kill is mid-run however fast the services are. */
const BEFORE_KILL = 4000;
const RATE = 2000;
const KILL_AFTER = 1500;

const services: ServiceProcess[] = [];
afterEach(() => {
  for (const s of services) s.kill('SIGKILL');
  services.length = 0;
});

describe('model serving on Kafka: scale-out', () => {
  it('three instances share 6 partitions; one is SIGKILLed, the survivors take its partitions, nothing is lost', async () => {
    requireFreshBuild();
    const prefix = `${unique('scale')}.`;
    const topics = kafkaTopicNames(prefix);
    const group = unique('model-serving');
    await publishToKafka({ bootstrap: bootstrap(), records: 0, seed: 1, topicPrefix: prefix }); // the models (and the topics)
    const [a, b, c] = [0, 1, 2].map(() => {
      const s = new ServiceProcess(['--topic-prefix', prefix, '--group', group, '--session-timeout', '6000']);
      services.push(s);
      return s;
    }) as [ServiceProcess, ServiceProcess, ServiceProcess];
    const clientId = (s: ServiceProcess) => `model-serving-${s.pid}`;
    const outputs = () => services.map((s) => `--- ${clientId(s)}\n${s.output()}`).join('\n');

    let assignment = new Map<string, number[]>();
    await eventually(
      'the group is balanced: three members, two partitions each',
      async () => {
        assignment = await groupAssignment(group, topics.data);
        return assignment.size === 3 && [...assignment.values()].every((ps) => ps.length === 2);
      },
      60_000,
      outputs,
    );
    expect([...assignment.keys()].sort()).toEqual([a, b, c].map(clientId).sort());

    const publishing = publishToKafka({ bootstrap: bootstrap(), records: BEFORE_KILL, seed: 11, rate: RATE, models: false, topicPrefix: prefix });
    await eventually(`${KILL_AFTER} records scored`, async () => (await recordCount(topics.scored)) >= KILL_AFTER, 60_000, outputs);
    const killedPartitions = assignment.get(clientId(a))!;
    a.kill('SIGKILL');
    expect(await a.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await recordCount(topics.scored)).toBeLessThan(N); // killed mid-run (by construction: the rest is published after the kill)

    await eventually(
      'the survivors hold all six partitions',
      async () => {
        assignment = await groupAssignment(group, topics.data);
        return assignment.size === 2 && [...assignment.values()].flat().sort().join() === '0,1,2,3,4,5';
      },
      60_000,
      outputs,
    );
    expect([...assignment.keys()].sort()).toEqual([b, c].map(clientId).sort());
    const survivors = [...assignment.values()].flat();
    expect(killedPartitions.every((p) => survivors.includes(p))).toBe(true);

    await publishing;
    await publishToKafka({ bootstrap: bootstrap(), records: N - BEFORE_KILL, seed: 12, rate: RATE, models: false, topicPrefix: prefix });
    const ends = await endOffsets(topics.data);
    await eventually(
      'the committed offsets reached the end of sensor-data',
      async () => {
        const committed = await committedOffsets(group, topics.data);
        return [...ends].every(([p, o]) => committed.get(p) === o);
      },
      90_000,
      outputs,
    );
    for (const s of [b, c]) s.kill('SIGTERM');
    for (const s of [b, c]) expect(await s.exited).toEqual({ code: 0, signal: null });

    const inputs = await readValues(topics.data);
    expect(inputs).toHaveLength(N);
    const scored = (await readValues(topics.scored)).map((v) => JSON.stringify((JSON.parse(v) as { record: unknown }).record));
    const scoredSet = new Set(scored);
    expect(inputs.filter((v) => !scoredSet.has(v))).toEqual([]);
    console.log(
      `kafka scale-out: ${N} records over 3 instances; one (partitions ${killedPartitions}) SIGKILLed; ` +
        `${scored.length} scored records, ${scored.length - scoredSet.size} duplicates`,
    );
  });
});
