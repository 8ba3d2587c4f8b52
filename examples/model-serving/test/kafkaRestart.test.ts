/**
 * The Kafka mode against the real broker: the service (a child process) is SIGKILLed mid-run and started
 * again. Every record of `sensor-data` appears in `scored-records` at least once, the group's committed
 * offsets reach the end of `sensor-data`, the duplicates stay within the uncommitted window, and the
 * restarted service stops on SIGTERM by draining, printing its summary and exiting 0.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { kafkaTopicNames } from '../src/kafka/kafkaTopics.js';
import { publishToKafka } from '../src/kafka/publishToKafka.js';
import { bootstrap, committedOffsets, endOffsets, eventually, readValues, recordCount, requireFreshBuild, ServiceProcess, unique } from './kafkaHarness.js';

const N = 5000;
/** Published before the kill; the rest is published only after it, so the kill is mid-run however fast the service is. */
const BEFORE_KILL = 3500;
const RATE = 2500;
const KILL_AFTER = 2000;
/** The service's committer batch (its default): what a killed instance may have scored and not committed, plus one batch being committed. */
const UNCOMMITTED_WINDOW = 2 * 1000;

const services: ServiceProcess[] = [];
afterEach(() => {
  for (const s of services) s.kill('SIGKILL');
  services.length = 0;
});

describe('model serving on Kafka: crash and restart', () => {
  it('SIGKILLed mid-run and restarted: every record scored at least once, offsets committed to the end', async () => {
    requireFreshBuild();
    const prefix = `${unique('restart')}.`;
    const topics = kafkaTopicNames(prefix);
    const group = unique('model-serving');
    const args = ['--topic-prefix', prefix, '--group', group, '--session-timeout', '6000'];
    await publishToKafka({ bootstrap: bootstrap(), records: 0, seed: 1, topicPrefix: prefix }); // the models (and the topics)
    const start = () => {
      const s = new ServiceProcess(args);
      services.push(s);
      return s;
    };

    const first = start();
    const publishing = publishToKafka({ bootstrap: bootstrap(), records: BEFORE_KILL, seed: 7, rate: RATE, models: false, topicPrefix: prefix });
    await eventually(
      `the first instance scored ${KILL_AFTER} records`,
      async () => (await recordCount(topics.scored)) >= KILL_AFTER,
      60_000,
      () => first.output(),
    );
    first.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const scoredAtKill = await recordCount(topics.scored);
    expect(scoredAtKill).toBeLessThan(N); // killed mid-run (by construction: the rest is published after the kill)

    const second = start();
    await publishing;
    await publishToKafka({ bootstrap: bootstrap(), records: N - BEFORE_KILL, seed: 8, rate: RATE, models: false, topicPrefix: prefix });
    const ends = await endOffsets(topics.data);
    await eventually(
      'the committed offsets reached the end of sensor-data',
      async () => sameOffsets(await committedOffsets(group, topics.data), ends),
      90_000,
      () => second.output(),
    );
    second.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(second.output()).toMatch(/stopping: draining in-flight records/);
    expect(second.output()).toMatch(/records out in .* scored/);
    expect(await committedOffsets(group, topics.data)).toEqual(ends);

    const inputs = await readValues(topics.data);
    expect(inputs).toHaveLength(N);
    const scored = (await readValues(topics.scored)).map((v) => JSON.stringify((JSON.parse(v) as { record: unknown }).record));
    const scoredSet = new Set(scored);
    expect(inputs.filter((v) => !scoredSet.has(v))).toEqual([]);
    const duplicates = scored.length - scoredSet.size;
    expect(duplicates).toBeLessThanOrEqual(UNCOMMITTED_WINDOW);
    console.log(
      `kafka restart: ${N} records; SIGKILLed at ${scoredAtKill} scored; ${scored.length} scored records, ${duplicates} duplicates (bound ${UNCOMMITTED_WINDOW})`,
    );
  });
});

function sameOffsets(a: Map<number, number>, b: Map<number, number>): boolean {
  return a.size === b.size && [...b].every(([p, o]) => a.get(p) === o);
}
