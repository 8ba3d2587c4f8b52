/**
 * Exactly-once: a transactional copy topic → topic (Transactional.source → Transactional.sink), the
 * stream killed mid-transaction and restarted with the same transactional id and group. A consumer
 * reading the output `read_committed` sees every input record exactly once.
 */

import { Keep, Materializer } from '@tributary/core';
import { type PartitionOffset, ProducerMessage, Subscriptions, Transactional, type TransactionalMessage } from '@tributary/kafka';
import { describe, expect, it } from 'vitest';
import { committed, createTopic, endOffsets, eventually, produce, readAll, sleep, stringConsumer, stringProducer, unique } from './helpers.js';

const N = 20_000;

describe('exactly-once transactional copy', () => {
  it('has every input record exactly once in the output after a kill mid-transaction', async () => {
    const input = await createTopic(unique('eos-in'), 3);
    const output = await createTopic(unique('eos-out'), 3);
    // The input arrives while the copy runs (500 records every 50 ms), so transactions keep having work.
    const producing = (async () => {
      for (let i = 0; i < N; i += 500) {
        await produce(
          input,
          Array.from({ length: 500 }, (_, j) => `v${i + j}`),
          undefined,
          (j) => String(i + j),
        );
        await sleep(50);
      }
    })();
    const group = unique('eos-group');
    const transactionalId = unique('eos-tx');
    const consumer = stringConsumer(group).withMaxBufferedRecordsPerPartition(500);

    let copied = 0;
    const run = (eosCommitIntervalMs: number) => {
      const mat = new Materializer({ logger: null });
      const [control, done] = Transactional.source(consumer, Subscriptions.topics(input))
        .map((msg: TransactionalMessage<string | null, string | null>) => {
          copied++;
          return ProducerMessage.single<string | null, string | null, PartitionOffset>(
            { topic: output, key: msg.record.key, value: msg.record.value },
            msg.partitionOffset,
          );
        })
        .toMat(Transactional.sink(stringProducer().withTransactionalId(transactionalId).withEosCommitInterval(eosCommitIntervalMs)), Keep.both)
        .run(mat);
      done.catch(() => undefined);
      return { mat, control, done };
    };

    const sum = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + Math.max(b, 0), 0);
    const kill = async (r: ReturnType<typeof run>) => {
      r.mat.shutdown();
      await r.control.isShutdown;
      await r.done.catch(() => undefined);
    };
    // Run 1 never gets to commit (its commit interval is a minute): it is killed with 5000 records
    // written in its open transaction.
    const first = run(60_000);
    await eventually('5000 records copied', () => copied >= 5000, 60_000);
    await sleep(200); // let the sink send them
    await kill(first);
    expect(sum(await committed(group, input))).toBe(0);
    // Run 2 commits every 100 ms and is killed while the copy is in full flow.
    const second = run(100);
    await eventually('10 000 offsets committed', async () => sum(await committed(group, input)) >= 10_000, 60_000);
    await kill(second);
    // Run 3 (same transactional id and group) finishes the copy; shutdown commits the last transaction.
    const third = run(100);
    await producing;
    const inputEnds = await endOffsets(input);
    await eventually(
      'all input offsets committed',
      async () => {
        const c = await committed(group, input);
        return [...inputEnds].every(([p, end]) => c.get(p) === end);
      },
      90_000,
    );
    await third.control.shutdown();
    await third.done;

    const out = await readAll(output, N, { readCommitted: true });
    const values = out.map((r) => r.value);
    expect(values.length).toBe(N);
    expect(new Set(values).size).toBe(N);
    for (let i = 0; i < N; i += 997) expect(values).toContain(`v${i}`);
    // The log also holds the killed transactions' records: a read_uncommitted reader sees them.
    const all = await readAll(output, N + 1, { readCommitted: false, timeoutMs: 5_000 });
    expect(all.length).toBeGreaterThan(N);
    console.log(`exactly-once: ${N} records copied exactly once; ${all.length - N} records of killed transactions are in the log`);
  });
});
