#!/usr/bin/env node
// Tributary: end-to-end check of infra/kafka/broker.mjs against a REAL broker with kafkajs.
//
//   node infra/kafka/selftest.mjs
//
// Starts a broker, creates an 8-partition topic, produces 1000 messages, consumes them back in a
// consumer group and checks the committed offsets, runs transactional send + sendOffsets (commit
// and abort, read_committed consumer), kill() + restart() keeps data and lets an existing producer
// reconnect, stop() leaves nothing behind, and a parent that exits or is SIGKILLed without stop()
// does not leave a broker running. Ends with "N passed, N failed".

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKafka } from './broker.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const require = createRequire(path.join(REPO, 'packages', 'connectors', 'kafka', 'package.json'));
const { Kafka, logLevel, Partitioners } = require('kafkajs');
const KAFKAJS_VERSION = require('kafkajs/package.json').version;

const results = [];
let failed = 0;
function check(name, ok, detail = '') {
  results.push({ name, ok });
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
}
async function step(name, fn) {
  const t = Date.now();
  try {
    const detail = await fn();
    check(name, true, `${detail ? `${detail}, ` : ''}${Date.now() - t} ms`);
  } catch (e) {
    check(name, false, `${e?.stack ?? e}`);
  }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
async function waitFor(pred, ms, what) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await pred()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function client(bootstrap, clientId) {
  return new Kafka({
    clientId,
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 100, retries: 10 },
  });
}

/** Consume until `expected` messages arrived (or timeout); returns the messages. */
async function consumeAll(kafka, { groupId, topic, expected, timeoutMs = 60_000, autoCommit = true }) {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1000, maxWaitTimeInMs: 200 });
  const got = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit,
      eachMessage: async ({ partition, message }) => {
        got.push({ partition, offset: message.offset, key: message.key?.toString(), value: message.value?.toString() });
      },
    });
    await waitFor(() => got.length >= expected, timeoutMs, `${expected} messages on ${topic} (got ${got.length})`);
    await sleep(300); // let anything unexpected (extra/duplicate messages) arrive too
  } finally {
    await consumer.disconnect(); // commits consumed offsets (autoCommit) on the way out
  }
  return got;
}

async function main() {
  console.log(`kafkajs ${KAFKAJS_VERSION}, node ${process.version}`);
  const tStart = Date.now();
  const broker = await startKafka({ verbose: true });
  const startMs = Date.now() - tStart;
  console.log(`broker: Kafka ${broker.version} at ${broker.bootstrap}, pid ${broker.pid}, dir ${broker.dataDir}`);
  check('startKafka() returns a ready broker', true, `cold start ${startMs} ms`);

  const kafka = client(broker.bootstrap, 'selftest');
  const admin = kafka.admin();
  await admin.connect();
  const TOPIC = 'selftest-8p';
  const N = 1000;

  try {
    await step('create topic with 8 partitions', async () => {
      const created = await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 8 }], waitForLeaders: true });
      const md = await admin.fetchTopicMetadata({ topics: [TOPIC] });
      const n = md.topics[0].partitions.length;
      if (!created || n !== 8) throw new Error(`created=${created}, partitions=${n}`);
      return `${n} partitions`;
    });

    await step(`produce ${N} messages (acks=all, idempotent)`, async () => {
      const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
      await producer.connect();
      try {
        for (let b = 0; b < N; b += 100) {
          await producer.send({
            topic: TOPIC,
            acks: -1,
            messages: Array.from({ length: 100 }, (_, i) => ({ key: `k${b + i}`, value: `v${b + i}` })),
          });
        }
      } finally {
        await producer.disconnect();
      }
      const offsets = await admin.fetchTopicOffsets(TOPIC);
      const total = offsets.reduce((s, p) => s + Number(p.high), 0);
      const used = offsets.filter((p) => Number(p.high) > 0).length;
      if (total !== N) throw new Error(`high watermarks sum to ${total}`);
      return `spread over ${used}/8 partitions`;
    });

    await step(`consume ${N} messages in a consumer group and commit offsets`, async () => {
      const got = await consumeAll(kafka, { groupId: 'selftest-group', topic: TOPIC, expected: N });
      const values = new Set(got.map((m) => m.value));
      if (got.length !== N || values.size !== N) throw new Error(`got ${got.length} messages, ${values.size} distinct`);
      const committed = await admin.fetchOffsets({ groupId: 'selftest-group', topics: [TOPIC] });
      const sum = committed[0].partitions.reduce((s, p) => s + Number(p.offset), 0);
      if (sum !== N) throw new Error(`committed offsets sum to ${sum}, expected ${N}`);
      return `${values.size} distinct, committed offsets sum ${sum}`;
    });

    await step('transactions: send + sendOffsets + commit, and abort; read_committed consumer', async () => {
      const OUT = 'selftest-tx-out';
      await admin.createTopics({ topics: [{ topic: OUT, numPartitions: 2 }], waitForLeaders: true });
      const producer = kafka.producer({
        createPartitioner: Partitioners.DefaultPartitioner,
        transactionalId: 'selftest-tx',
        idempotent: true,
        maxInFlightRequests: 1,
      });
      await producer.connect();
      try {
        // committed transaction: 10 messages + offsets of a consume-transform-produce group
        const tx = await producer.transaction();
        await tx.send({ topic: OUT, messages: Array.from({ length: 10 }, (_, i) => ({ key: `t${i}`, value: `committed-${i}` })) });
        await tx.sendOffsets({
          consumerGroupId: 'selftest-tx-group',
          topics: [
            {
              topic: TOPIC,
              partitions: [
                { partition: 0, offset: '5' },
                { partition: 1, offset: '7' },
              ],
            },
          ],
        });
        await tx.commit();
        // aborted transaction: must be invisible to read_committed consumers, offsets not committed
        const tx2 = await producer.transaction();
        await tx2.send({ topic: OUT, messages: Array.from({ length: 5 }, (_, i) => ({ key: `a${i}`, value: `aborted-${i}` })) });
        await tx2.sendOffsets({
          consumerGroupId: 'selftest-tx-group',
          topics: [{ topic: TOPIC, partitions: [{ partition: 0, offset: '999' }] }],
        });
        await tx2.abort();
      } finally {
        await producer.disconnect();
      }
      const committed = await admin.fetchOffsets({ groupId: 'selftest-tx-group', topics: [TOPIC] });
      const byP = Object.fromEntries(committed[0].partitions.map((p) => [p.partition, p.offset]));
      if (byP[0] !== '5' || byP[1] !== '7') throw new Error(`tx group offsets ${JSON.stringify(byP)}`);
      const got = await consumeAll(kafka, { groupId: 'selftest-tx-reader', topic: OUT, expected: 10 });
      const vals = got.map((m) => m.value);
      if (got.length !== 10 || vals.some((v) => !v.startsWith('committed-'))) {
        throw new Error(`read_committed consumer saw ${JSON.stringify(vals)}`);
      }
      return '10 committed visible, 5 aborted hidden, sendOffsets committed p0=5 p1=7';
    });
  } finally {
    await admin.disconnect().catch(() => {});
  }

  // ---- broker fault: kill() + restart() on the same port and data dir
  await step('kill() (SIGKILL) + restart(): same port, data kept, old producer reconnects', async () => {
    const DUR = 'selftest-durable';
    const producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: true,
      retry: { initialRetryTime: 200, retries: 30 },
    });
    await producer.connect();
    await producer.send({ topic: DUR, acks: -1, messages: Array.from({ length: 50 }, (_, i) => ({ value: `before-${i}` })) });
    const oldPid = broker.pid;
    await broker.kill();
    if (alive(oldPid)) throw new Error(`pid ${oldPid} still alive after kill()`);
    if (!fs.existsSync(broker.logDirs)) throw new Error('data dir removed by kill()');
    const t = Date.now();
    await broker.restart();
    const restartMs = Date.now() - t;
    if (broker.pid === oldPid || !alive(broker.pid)) throw new Error('no new broker process');
    // the producer created before the crash must work again (reconnect + retries)
    await producer.send({ topic: DUR, acks: -1, messages: Array.from({ length: 50 }, (_, i) => ({ value: `after-${i}` })) });
    await producer.disconnect();

    const k2 = client(broker.bootstrap, 'selftest-after-restart');
    const admin2 = k2.admin();
    await admin2.connect();
    try {
      const hw = (await admin2.fetchTopicOffsets(TOPIC)).reduce((s, p) => s + Number(p.high), 0);
      if (hw !== 1000) throw new Error(`${TOPIC} has ${hw} messages after restart`);
      const committed = await admin2.fetchOffsets({ groupId: 'selftest-group', topics: [TOPIC] });
      const sum = committed[0].partitions.reduce((s, p) => s + Number(p.offset), 0);
      if (sum !== 1000) throw new Error(`group offsets sum ${sum} after restart`);
    } finally {
      await admin2.disconnect();
    }
    const got = await consumeAll(k2, { groupId: 'selftest-durable-reader', topic: DUR, expected: 100 });
    const before = got.filter((m) => m.value.startsWith('before-')).length;
    if (got.length !== 100 || before !== 50) throw new Error(`read ${got.length} (${before} from before the crash)`);
    return `restart ${restartMs} ms on ${broker.bootstrap}; 1000 + 50 pre-crash messages and group offsets intact`;
  });

  await step('restart() while running (graceful) keeps data', async () => {
    const oldPid = broker.pid;
    const t = Date.now();
    await broker.restart();
    const ms = Date.now() - t;
    if (alive(oldPid) || !alive(broker.pid)) throw new Error('pid did not change');
    const a = client(broker.bootstrap, 'selftest-after-restart2').admin();
    await a.connect();
    const hw = (await a.fetchTopicOffsets(TOPIC)).reduce((s, p) => s + Number(p.high), 0);
    await a.disconnect();
    if (hw !== 1000) throw new Error(`${hw} messages`);
    return `stop+start ${ms} ms`;
  });

  await step('stop(): process gone, temp dir removed, idempotent', async () => {
    const pid = broker.pid;
    const t = Date.now();
    await broker.stop();
    const ms = Date.now() - t;
    if (alive(pid)) throw new Error(`pid ${pid} alive after stop()`);
    if (fs.existsSync(broker.dataDir)) throw new Error(`${broker.dataDir} still exists`);
    await broker.stop();
    let threw = false;
    await broker.restart().catch(() => (threw = true));
    if (!threw) throw new Error('restart() after stop() should throw');
    return `stop ${ms} ms`;
  });

  // ---- a parent that never calls stop() must not leave a broker behind
  for (const mode of ['exit', 'SIGKILL']) {
    await step(`parent ${mode === 'exit' ? 'exits' : 'is SIGKILLed'} without stop(): broker and temp dir go away`, async () => {
      const code = `
        import { startKafka } from ${JSON.stringify(path.join(HERE, 'broker.mjs'))};
        const k = await startKafka();
        console.log(JSON.stringify({ pid: k.pid, dir: k.dataDir }));
        ${mode === 'exit' ? 'process.exit(0);' : 'setInterval(() => {}, 1000);'}
      `;
      const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      await waitFor(() => out.includes('\n'), 90_000, 'child broker start');
      const { pid, dir } = JSON.parse(out.trim().split('\n')[0]);
      if (mode === 'SIGKILL') child.kill('SIGKILL');
      await waitFor(() => !alive(pid), 15_000, `broker pid ${pid} to die`);
      await waitFor(() => !fs.existsSync(dir), 15_000, `${dir} to be removed`);
      return `broker pid ${pid} gone`;
    });
  }

  console.log(`\ncold start (jars cached): ${startMs} ms`);
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => {
  console.error(e?.stack ?? e);
  console.log(`${results.length - failed} passed, ${failed + 1} failed`);
  process.exit(1);
});
