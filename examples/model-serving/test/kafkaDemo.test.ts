/**
 * The one-command Kafka demo's run on the test broker (the demo script adds only starting and stopping
 * the project's broker around it): service, publisher, wait for the committed offsets, drained summary.
 */
import { describe, expect, it } from 'vitest';
import { runKafkaDemo } from '../src/kafka/runKafkaDemo.js';
import { bootstrap, unique } from './kafkaHarness.js';
import { RecordingLogger } from './scoringProbes.js';

describe('the Kafka demo', () => {
  it('publishes, scores every record, commits to the end and prints the summary', async () => {
    const lines: string[] = [];
    const logger = new RecordingLogger();
    const { summary, scoredRecords } = await runKafkaDemo({
      bootstrap: bootstrap(),
      records: 1500,
      rate: 5000,
      seed: 3,
      topicPrefix: `${unique('demo')}.`,
      group: unique('demo-group'),
      print: (l) => lines.push(l),
      logger,
      progressIntervalMs: 200,
    });
    expect(summary.stats.scored + summary.stats.unscored).toBe(1500);
    expect(summary.stats.modelsAccepted).toBe(3);
    expect(scoredRecords).toBe(1500);
    expect(lines).toContain('every offset committed (lag 0): stopping the service');
    expect(lines.join('\n')).toMatch(/1,500 records out in .* scored/);
    expect(logger.lines.filter((l) => l.message.includes('now scoring with'))).toHaveLength(3);
  });
});
