#!/usr/bin/env node
// Tributary: start a REAL single-node Apache Kafka broker (KRaft, broker+controller in one JVM)
// on 127.0.0.1 for integration tests.
//
// Plain Node ESM, node built-ins only. See README.md beside this file.
//
//   import { startKafka } from '../../infra/kafka/broker.mjs';
//   const kafka = await startKafka();          // -> { bootstrap: '127.0.0.1:PORT', ... }
//   ...
//   await kafka.stop();
//
// CLI:
//   node infra/kafka/broker.mjs fetch   download the broker jars into the cache, nothing else
//   node infra/kafka/broker.mjs start   start a broker, print KAFKA_BOOTSTRAP=127.0.0.1:PORT,
//                                       run until SIGINT/SIGTERM, then stop it cleanly

import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const POM = path.join(HERE, 'pom.xml');

/** Kafka version, read from pom.xml (the single source of truth). */
export const KAFKA_VERSION = (() => {
  const m = /<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/.exec(fs.readFileSync(POM, 'utf8'));
  if (!m) throw new Error(`broker.mjs: no <kafka.version> in ${POM}`);
  return m[1];
})();

/** Main classes (same as bin/kafka-server-start.sh and bin/kafka-storage.sh of Kafka 3.9). */
export const KAFKA_MAIN_CLASS = 'kafka.Kafka';
export const STORAGE_TOOL_CLASS = 'kafka.tools.StorageTool';

const DEFAULT_START_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 20_000;
const NODE_ID = 1;

// ---------------------------------------------------------------------------------------------
// small helpers

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function log(opts, msg) {
  if (opts?.verbose) process.stderr.write(`[kafka] ${msg}\n`);
}

/** Directory holding the cached jars: $TRIBUTARY_KAFKA_HOME or ~/.cache/tributary/kafka-<version>. */
export function kafkaHome() {
  if (process.env.TRIBUTARY_KAFKA_HOME) return path.resolve(process.env.TRIBUTARY_KAFKA_HOME);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'tributary', `kafka-${KAFKA_VERSION}`);
}

function toolMissing(cmd, what) {
  return new Error(
    `Kafka test broker: \`${cmd}\` is missing — ${what}. ` +
      `Install it (Debian: apt-get install ${cmd === 'mvn' ? 'maven' : 'openjdk-17-jre-headless'}) and make sure \`${cmd}\` is on PATH.`,
  );
}

/** Resolve the java executable: $KAFKA_JAVA, $JAVA_HOME/bin/java, or `java` on PATH. Throws if missing. */
function resolveJava() {
  const candidates = [];
  if (process.env.KAFKA_JAVA) candidates.push(process.env.KAFKA_JAVA);
  if (process.env.JAVA_HOME) candidates.push(path.join(process.env.JAVA_HOME, 'bin', 'java'));
  candidates.push('java');
  for (const java of candidates) {
    const r = spawnSync(java, ['-version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.error) continue;
    const m = /version "(\d+)(?:\.(\d+))?/.exec(`${r.stderr}${r.stdout}`);
    const major = m ? (Number(m[1]) === 1 ? Number(m[2]) : Number(m[1])) : NaN;
    if (Number.isFinite(major) && major < 11) {
      throw new Error(`Kafka test broker: \`${java}\` is Java ${major}; Kafka ${KAFKA_VERSION} needs Java 11+ (17 recommended).`);
    }
    return { java, versionText: `${r.stderr}${r.stdout}`, major };
  }
  throw toolMissing('java', `a Java 17 runtime is needed to run the Kafka ${KAFKA_VERSION} broker (checked $KAFKA_JAVA, $JAVA_HOME/bin/java and PATH)`);
}

/** Run a command, collect its output, reject with the output tail on failure. */
function run(cmd, args, { cwd, env, missing, label } = {}) {
  return new Promise((resolve, reject) => {
    let out = '';
    let child;
    try {
      child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      reject(e.code === 'ENOENT' && missing ? missing() : e);
      return;
    }
    const collect = (d) => {
      out += d;
      if (out.length > 200_000) out = out.slice(-100_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (e) => reject(e.code === 'ENOENT' && missing ? missing() : e));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(out);
      else reject(new Error(`\`${label ?? `${cmd} ${args.join(' ')}`}\` failed (${signal ?? `exit ${code}`}):\n${tailText(out, 60)}`));
    });
  });
}

function tailText(text, lines) {
  return text.split('\n').slice(-lines).join('\n').trimEnd();
}

function readTail(file, lines = 60, maxBytes = 64 * 1024) {
  try {
    const size = fs.statSync(file).size;
    const fd = fs.openSync(file, 'r');
    try {
      const len = Math.min(size, maxBytes);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, size - len);
      return tailText(buf.toString('utf8'), lines);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

/** ERROR/FATAL lines of a log4j file (with their exception / "Caused by" lines), oldest first. */
function logErrors(file, maxEntries = 6) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
  const lines = text.split('\n');
  const out = [];
  let entries = 0;
  for (let i = 0; i < lines.length && entries < maxEntries; i++) {
    if (!/^\[[^\]]+\] (ERROR|FATAL) /.test(lines[i])) continue;
    entries++;
    out.push(lines[i]);
    for (let j = i + 1; j < lines.length && j < i + 200 && !lines[j].startsWith('['); j++) {
      if (/^(Caused by: |[\w.$]+(Exception|Error)\b)/.test(lines[j])) out.push(`    ${lines[j]}`);
    }
  }
  return out.join('\n');
}

/** What went wrong, for start-up errors: ERROR lines + tail of the broker log + JVM stdout/stderr. */
function failureReport(logFile, stdoutFile) {
  const errors = logErrors(logFile);
  return (
    (errors ? `--- errors in ${logFile} ---\n${errors}\n` : '') +
    `--- ${logFile} (tail) ---\n${readTail(logFile, 40)}\n` +
    `--- ${stdoutFile} (JVM stdout/stderr, tail) ---\n${readTail(stdoutFile, 30)}`
  );
}

// ---------------------------------------------------------------------------------------------
// jars

/**
 * Make sure the broker jars are in the cache; download them with Maven if not.
 * Returns { home, libs, version, classpath }.
 */
export async function ensureKafkaJars(opts = {}) {
  const pomText = fs.readFileSync(POM, 'utf8');
  const stamp = createHash('sha256').update(pomText).digest('hex').slice(0, 16);
  const home = kafkaHome();
  const libs = path.join(home, 'libs');
  const marker = path.join(libs, '.tributary-complete');
  const complete = () => {
    try {
      return fs.readFileSync(marker, 'utf8').trim() === stamp;
    } catch {
      return false;
    }
  };

  if (!complete()) {
    const mvnMissing = () => toolMissing('mvn', `Maven is needed to download the Kafka ${KAFKA_VERSION} broker jars into ${libs}`);
    if (spawnSync('mvn', ['-v'], { stdio: 'ignore' }).error?.code === 'ENOENT') throw mvnMissing();

    await fsp.mkdir(home, { recursive: true });
    const tmp = path.join(home, `libs.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    log(opts, `fetching Kafka ${KAFKA_VERSION} jars with Maven into ${libs} ...`);
    const t0 = Date.now();
    try {
      await run('mvn', ['-q', '-B', '-f', POM, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${tmp}`], {
        cwd: os.tmpdir(),
        missing: mvnMissing,
      });
      const jar = `kafka_2.13-${KAFKA_VERSION}.jar`;
      if (!fs.existsSync(path.join(tmp, jar))) throw new Error(`Maven finished but ${jar} is not in ${tmp}`);
      fs.writeFileSync(path.join(tmp, '.tributary-complete'), `${stamp}\n`);
      if (!complete()) {
        // (another process may have finished first; then keep its copy)
        await fsp.rm(libs, { recursive: true, force: true });
        await fsp.rename(tmp, libs).catch((e) => {
          if (!complete()) throw e;
        });
      }
    } finally {
      await fsp.rm(tmp, { recursive: true, force: true });
    }
    log(opts, `jars ready in ${Date.now() - t0} ms`);
  }

  const classpath = fs
    .readdirSync(libs)
    .filter((f) => f.endsWith('.jar'))
    .sort()
    .map((f) => path.join(libs, f))
    .join(path.delimiter);
  return { home, libs, version: KAFKA_VERSION, classpath };
}

// ---------------------------------------------------------------------------------------------
// ports, config

/** A cluster id like Kafka's Uuid.randomUuid(): 16 random bytes, base64url, never starting with '-'. */
function newClusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Two distinct free TCP ports on 127.0.0.1 (both listeners held open while picking). */
async function freePorts(n) {
  const servers = [];
  try {
    for (let i = 0; i < n; i++) {
      const s = net.createServer();
      servers.push(s);
      await new Promise((resolve, reject) => {
        s.once('error', reject);
        s.listen(0, '127.0.0.1', resolve);
      });
    }
    return servers.map((s) => s.address().port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(() => r()))));
  }
}

function serverProperties({ port, controllerPort, dataDir, overrides }) {
  const props = {
    // KRaft combined mode: one JVM is broker and controller.
    'process.roles': 'broker,controller',
    'node.id': String(NODE_ID),
    'controller.quorum.voters': `${NODE_ID}@127.0.0.1:${controllerPort}`,
    'listeners': `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': dataDir,

    // single node: replication factor 1 everywhere
    'offsets.topic.replication.factor': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'min.insync.replicas': '1',
    'default.replication.factor': '1',
    'num.partitions': '1',
    'auto.create.topics.enable': 'true',
    'delete.topic.enable': 'true',

    // fast tests: no rebalance delay, few internal partitions (created lazily on first use),
    // few threads (2-core CI machines), small buffers.
    'group.initial.rebalance.delay.ms': '0',
    'offsets.topic.num.partitions': '1',
    'transaction.state.log.num.partitions': '1',
    'num.network.threads': '2',
    'num.io.threads': '2',
    'background.threads': '2',
    'num.recovery.threads.per.data.dir': '1',
    'num.replica.fetchers': '1',
    'log.cleaner.threads': '1',
    'log.cleaner.dedupe.buffer.size': String(8 * 1024 * 1024),
    'log.index.size.max.bytes': String(1024 * 1024),
    'log.segment.bytes': String(64 * 1024 * 1024),
    'broker.heartbeat.interval.ms': '500',
    // after a SIGKILL, the restarted broker cannot register until the old registration's session
    // expires (DUPLICATE_BROKER_REGISTRATION): keep this short so kill()+restart() is quick
    'broker.session.timeout.ms': '3000',
    'offsets.commit.timeout.ms': '5000',
    // allow tests to use short consumer session timeouts
    'group.min.session.timeout.ms': '1000',
    // transactions: abort/expire stuck transactions of killed test producers quickly
    'transaction.abort.timed.out.transaction.cleanup.interval.ms': '10000',
    'transaction.remove.expired.transaction.cleanup.interval.ms': '60000',
    ...Object.fromEntries(Object.entries(overrides ?? {}).map(([k, v]) => [k, String(v)])),
  };
  return `${Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;
}

function log4jProperties(logFile) {
  // log4j 1.x (reload4j) syntax; everything goes to one file in the broker's temp dir.
  const f = logFile.replace(/\\/g, '/');
  return `log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=${f}
log4j.appender.file.Append=true
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.org.apache.zookeeper=WARN
log4j.logger.org.apache.kafka.common.utils.AppInfoParser=WARN
`;
}

// ---------------------------------------------------------------------------------------------
// readiness: raw Kafka protocol requests (no client library needed)

/** Send one request (header v1) on a fresh connection; resolve with the response body after the correlation id. */
function kafkaRequest(port, apiKey, apiVersion, body, timeoutMs) {
  return new Promise((resolve, reject) => {
    const clientId = Buffer.from('tributary-readiness');
    const header = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
    let o = header.writeInt16BE(apiKey, 0);
    o = header.writeInt16BE(apiVersion, o);
    o = header.writeInt32BE(7, o); // correlation_id
    o = header.writeInt16BE(clientId.length, o);
    clientId.copy(header, o);
    const size = Buffer.alloc(4);
    size.writeInt32BE(header.length + body.length, 0);

    let buf = Buffer.alloc(0);
    const sock = net.connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => done(new Error(`request (api ${apiKey}) timed out`)), timeoutMs);
    function done(err, value) {
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(value);
    }
    sock.on('connect', () => sock.write(Buffer.concat([size, header, body])));
    sock.on('error', (e) => done(e));
    sock.on('close', () => done(new Error('connection closed before a response')));
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 4 || buf.length < 4 + buf.readInt32BE(0)) return;
      const corr = buf.readInt32BE(4);
      if (corr !== 7) done(new Error(`unexpected correlation id ${corr}`));
      else done(null, buf.subarray(8, 4 + buf.readInt32BE(0)));
    });
  });
}

class Reader {
  constructor(buf) {
    this.buf = buf;
    this.p = 0;
  }
  i16() {
    const v = this.buf.readInt16BE(this.p);
    this.p += 2;
    return v;
  }
  i32() {
    const v = this.buf.readInt32BE(this.p);
    this.p += 4;
    return v;
  }
  i64() {
    const v = this.buf.readBigInt64BE(this.p);
    this.p += 8;
    return v;
  }
  str() {
    const n = this.i16();
    if (n < 0) return null;
    const v = this.buf.toString('utf8', this.p, this.p + n);
    this.p += n;
    return v;
  }
  array(item) {
    const n = this.i32();
    const out = [];
    for (let i = 0; i < n; i++) out.push(item());
    return out;
  }
}

/**
 * Metadata v0 for all topics: the advertised brokers (in KRaft only registered, unfenced ones)
 * and every topic's partitions with their leader and error code.
 */
export async function probeMetadata(port, timeoutMs = 3000) {
  const body = Buffer.alloc(4); // topics: [] = all topics in v0
  const r = new Reader(await kafkaRequest(port, 3, 0, body, timeoutMs));
  const brokers = r.array(() => ({ nodeId: r.i32(), host: r.str(), port: r.i32() }));
  const topics = r.array(() => ({
    errorCode: r.i16(),
    name: r.str(),
    partitions: r.array(() => {
      const p = { errorCode: r.i16(), partition: r.i32(), leader: r.i32() };
      r.array(() => r.i32()); // replicas
      r.array(() => r.i32()); // isr
      return p;
    }),
  }));
  return { brokers, topics };
}

/** ListOffsets v1 (latest) for the given partitions; returns the partitions that answered with an error. */
async function probeListOffsets(port, topics, timeoutMs = 3000) {
  const parts = [];
  const i32 = (v) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v, 0);
    return b;
  };
  const str = (v) => {
    const s = Buffer.from(v);
    const b = Buffer.alloc(2);
    b.writeInt16BE(s.length, 0);
    return Buffer.concat([b, s]);
  };
  parts.push(i32(-1), i32(topics.length)); // replica_id, topics
  for (const t of topics) {
    parts.push(str(t.name), i32(t.partitions.length));
    for (const p of t.partitions) {
      const ts = Buffer.alloc(8);
      ts.writeBigInt64BE(-1n, 0); // latest
      parts.push(i32(p.partition), ts);
    }
  }
  const r = new Reader(await kafkaRequest(port, 2, 1, Buffer.concat(parts), timeoutMs));
  const failed = [];
  r.array(() => {
    const name = r.str();
    r.array(() => {
      const partition = r.i32();
      const errorCode = r.i16();
      r.i64(); // timestamp
      r.i64(); // offset
      if (errorCode !== 0) failed.push(`${name}-${partition} (error ${errorCode})`);
    });
  });
  return failed;
}

/**
 * Is the broker on `port` serving? It must be listed in its own metadata (registered and
 * unfenced), and every existing partition (after a restart) must have a leader and answer
 * ListOffsets, i.e. the logs are loaded. Returns null when ready, else the reason.
 */
async function notReadyReason(port, timeoutMs) {
  const { brokers, topics } = await probeMetadata(port, timeoutMs);
  if (!brokers.some((b) => b.port === port)) return `metadata lists no broker on port ${port} yet`;
  const leaderless = [];
  for (const t of topics) {
    if (t.errorCode !== 0) leaderless.push(`${t.name} (error ${t.errorCode})`);
    for (const p of t.partitions) if (p.errorCode !== 0 || p.leader < 0) leaderless.push(`${t.name}-${p.partition}`);
  }
  if (leaderless.length) return `partitions without a leader: ${leaderless.slice(0, 5).join(', ')}`;
  if (topics.length) {
    const failed = await probeListOffsets(port, topics, timeoutMs);
    if (failed.length) return `partitions not served yet: ${failed.slice(0, 5).join(', ')}`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// process bookkeeping: never let a broker outlive this Node process

const live = new Set(); // of { pid } for every broker JVM still running
let exitHookInstalled = false;

function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL every broker still running. Their temp dirs are
  // removed by each broker's watchdog, which notices this process is gone (see spawnWatchdog).
  process.on('exit', () => {
    for (const b of live) {
      killGroup(b.pid, 'SIGKILL');
    }
  });
}

function killGroup(pid, signal) {
  if (!pid) return false;
  try {
    process.kill(-pid, signal); // the broker is a process-group leader (detached)
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * A tiny `sh` that blocks reading a pipe from this process. The pipe only reaches EOF when this
 * Node process is gone — however it died (exit, signal, SIGKILL, crash) — and then the watchdog
 * SIGKILLs the broker, waits (bounded) for it to disappear and removes its temp dir.
 * stop()/kill() SIGKILL the watchdog first, so it never acts on a broker we already ended.
 */
function spawnWatchdog(pid, dirToRemove) {
  const script =
    'read -r _ ; kill -9 -"$1" 2>/dev/null || kill -9 "$1" 2>/dev/null; ' +
    'i=0; while kill -0 "$1" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; ' +
    'if [ -n "$2" ]; then rm -rf "$2"; fi';
  const wd = spawn('/bin/sh', ['-c', script, 'tributary-kafka-watchdog', String(pid), dirToRemove ?? ''], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  wd.on('error', () => {});
  wd.stdin.on('error', () => {});
  wd.unref();
  wd.stdin.unref?.();
  return wd;
}

function stopWatchdog(wd) {
  if (!wd) return;
  if (wd.exitCode === null && wd.signalCode === null) killGroup(wd.pid, 'SIGKILL');
  wd.stdin.destroy();
}

function waitExit(child, ms) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(true);
    const t = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, ms);
    function onExit() {
      clearTimeout(t);
      resolve(true);
    }
    child.once('exit', onExit);
  });
}

// ---------------------------------------------------------------------------------------------
// AppCDS: a class-data-sharing archive of the broker's classes makes every later JVM start
// (start, restart) noticeably faster. It is written once, by the first broker that stops
// gracefully (-XX:ArchiveClassesAtExit), into the jar cache; TRIBUTARY_KAFKA_CDS=0 turns it off.
// A stale or unusable archive is ignored by the JVM (-Xshare:auto).

function cdsArchive(home, javaVersionText, classpath, heapMb, jdkMajor) {
  if (process.env.TRIBUTARY_KAFKA_CDS === '0' || jdkMajor < 13) return null;
  const key = createHash('sha256').update(`${javaVersionText}\n${classpath}\n${heapMb}`).digest('hex').slice(0, 16);
  const cdsDir = path.join(home, 'cds');
  return { cdsDir, archive: path.join(cdsDir, `broker-${key}.jsa`) };
}

async function installCdsArchive(cds, tmpFile) {
  try {
    const st = await fsp.stat(tmpFile);
    if (st.size < 1024 * 1024) throw new Error('too small');
    await fsp.rename(tmpFile, cds.archive);
    // drop archives made for other JDKs / jar sets
    for (const f of await fsp.readdir(cds.cdsDir)) {
      const full = path.join(cds.cdsDir, f);
      if (full !== cds.archive && f.endsWith('.jsa')) await fsp.rm(full, { force: true });
    }
  } catch {
    await fsp.rm(tmpFile, { force: true }).catch(() => {});
  }
}

async function sweepCdsTmp(cds) {
  try {
    for (const f of await fsp.readdir(cds.cdsDir)) {
      if (!f.includes('.tmp-')) continue;
      const full = path.join(cds.cdsDir, f);
      const st = await fsp.stat(full);
      if (Date.now() - st.mtimeMs > 3_600_000) await fsp.rm(full, { force: true });
    }
  } catch {}
}

// ---------------------------------------------------------------------------------------------
// stale temp dirs: a safety net in case a watchdog itself was killed before it could clean up

const TMP_PREFIX = 'tributary-kafka-';
const OWNER_FILE = 'owner.json';

function pidAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Remove tributary-kafka-* temp dirs whose owning Node process and broker are both gone. */
async function sweepStaleDirs() {
  const tmp = os.tmpdir();
  let names;
  try {
    names = await fsp.readdir(tmp);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(TMP_PREFIX)) continue;
    const dir = path.join(tmp, name);
    try {
      const st = await fsp.stat(dir);
      if (!st.isDirectory() || Date.now() - st.mtimeMs < 60_000) continue;
      let owner = null;
      try {
        owner = JSON.parse(await fsp.readFile(path.join(dir, OWNER_FILE), 'utf8'));
      } catch {}
      if (owner?.keep) continue;
      if (owner && (pidAlive(owner.node) || pidAlive(owner.broker))) continue;
      if (!owner && Date.now() - st.mtimeMs < 3_600_000) continue;
      await fsp.rm(dir, { recursive: true, force: true });
    } catch {}
  }
}

// ---------------------------------------------------------------------------------------------
// startKafka

/**
 * Start a single-node Kafka broker (KRaft) on 127.0.0.1.
 *
 * @param {object} [options]
 * @param {number} [options.port]            PLAINTEXT port (default: a free one)
 * @param {number} [options.controllerPort]  CONTROLLER port (default: a free one)
 * @param {number} [options.heapMb=512]      JVM -Xmx
 * @param {number} [options.startTimeoutMs=90000]
 * @param {Record<string,string|number|boolean>} [options.config]  extra/override server.properties
 * @param {boolean} [options.keepDataDir=false]  leave the temp dir behind after stop()
 * @param {boolean} [options.verbose=false]  progress lines on stderr
 * @param {boolean} [options.cds=true]  use/record the AppCDS class archive in the jar cache
 * @returns {Promise<{bootstrap:string, port:number, controllerPort:number, dataDir:string,
 *   logDirs:string, logFile:string, configFile:string, version:string, readonly pid:number|undefined,
 *   readonly running:boolean, stop():Promise<void>, kill():Promise<void>, restart():Promise<void>}>}
 */
export async function startKafka(options = {}) {
  const t0 = Date.now();
  const { java, versionText, major } = resolveJava();
  const { classpath, home } = await ensureKafkaJars(options);
  installExitHook();

  await sweepStaleDirs();
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), TMP_PREFIX));
  const dataDir = path.join(dir, 'data');
  const logsDir = path.join(dir, 'logs');
  await fsp.mkdir(dataDir);
  await fsp.mkdir(logsDir);
  const configFile = path.join(dir, 'server.properties');
  const log4jFile = path.join(dir, 'log4j.properties');
  const logFile = path.join(logsDir, 'server.log');
  const stdoutFile = path.join(logsDir, 'stdout.log');
  fs.writeFileSync(log4jFile, log4jProperties(logFile));
  const keep = options.keepDataDir ?? false;
  fs.writeFileSync(path.join(dir, OWNER_FILE), JSON.stringify({ node: process.pid, broker: null, keep }));

  const heapMb = options.heapMb ?? 512;
  const cds = options.cds === false ? null : cdsArchive(home, versionText, classpath, heapMb, major);
  if (cds) {
    await fsp.mkdir(cds.cdsDir, { recursive: true }).catch(() => {});
    await sweepCdsTmp(cds);
  }
  /** JVM flags for class sharing: use the archive if there is one, else (broker only) record one. */
  const cdsFlags = (forBroker) => {
    if (!cds) return [];
    if (fs.existsSync(cds.archive)) return [`-XX:SharedArchiveFile=${cds.archive}`, '-Xlog:cds=off', '-Xlog:cds+dynamic=off'];
    if (!forBroker) return [];
    cdsDump = `${cds.archive}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    return [`-XX:ArchiveClassesAtExit=${cdsDump}`, '-Xlog:cds=off', '-Xlog:cds+dynamic=off'];
  };
  let cdsDump = null; // archive being recorded by the current broker JVM
  const jvmBase = [
    `-Xmx${heapMb}m`,
    '-XX:TieredStopAtLevel=1', // C1 only: much faster JVM warm-up, plenty for tests
    '-Xshare:auto',
    '-XX:+UseSerialGC',
    '-XX:-UsePerfData',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${log4jFile}`,
    `-Dkafka.logs.dir=${logsDir}`,
    '-cp',
    classpath,
  ];

  let port = options.port;
  let controllerPort = options.controllerPort;
  const fixedPorts = port !== undefined || controllerPort !== undefined;
  let child = null;
  let watchdog = null;
  let entry = null;
  let stopped = false;
  let stopping = null;
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;

  const cleanupDir = async () => {
    if (keep) return;
    for (let i = 0; i < 5; i++) {
      try {
        await fsp.rm(dir, { recursive: true, force: true });
        return;
      } catch {
        await sleep(200);
      }
    }
  };

  /** Spawn the broker JVM for the current ports and wait until it serves metadata. */
  async function launch() {
    const started = Date.now();
    const out = fs.openSync(stdoutFile, 'a');
    try {
      child = spawn(java, [...cdsFlags(true), `-Xms${Math.min(128, heapMb)}m`, ...jvmBase, KAFKA_MAIN_CLASS, configFile], {
        cwd: dir,
        stdio: ['ignore', out, out],
        detached: true, // own process group: terminal ^C goes to us, and we can signal the group
      });
    } finally {
      fs.closeSync(out);
    }
    const proc = child;
    proc.unref();
    const spawnError = new Promise((resolve) => proc.once('error', resolve));
    if (!proc.pid) {
      const e = await spawnError;
      throw new Error(`Kafka test broker: could not spawn ${java}: ${e?.message ?? 'unknown error'}`);
    }
    fs.writeFileSync(path.join(dir, OWNER_FILE), JSON.stringify({ node: process.pid, broker: proc.pid, keep }));
    const ent = { pid: proc.pid };
    entry = ent;
    live.add(ent);
    const wd = spawnWatchdog(proc.pid, keep ? '' : dir);
    watchdog = wd;
    proc.once('exit', () => {
      // exited (or crashed) on its own: nothing left to kill, so never signal this pid again
      live.delete(ent);
      stopWatchdog(wd);
    });
    log(options, `broker pid ${proc.pid} starting on 127.0.0.1:${port} (controller ${controllerPort}), dir ${dir}`);

    const deadline = started + timeoutMs;
    let lastErr = null;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        const err = new Error(
          `Kafka broker exited during start-up (${proc.signalCode ?? `exit code ${proc.exitCode}`}).\n` + failureReport(logFile, stdoutFile),
        );
        err.bindFailure = /BindException|Address already in use/.test(`${logErrors(logFile, 50)}\n${readTail(stdoutFile, 50)}`);
        await terminate('SIGKILL', 0);
        throw err;
      }
      try {
        const reason = await notReadyReason(port, 3000);
        if (!reason) {
          log(options, `broker ready on 127.0.0.1:${port} after ${Date.now() - started} ms`);
          return;
        }
        lastErr = new Error(reason);
      } catch (e) {
        lastErr = e;
      }
      await sleep(100);
    }
    await terminate('SIGKILL', 0);
    throw new Error(
      `Kafka broker did not become ready on 127.0.0.1:${port} within ${timeoutMs} ms (last probe error: ${lastErr?.message}).\n` +
        failureReport(logFile, stdoutFile),
    );
  }

  /** Signal the broker (process group), wait for it to exit, escalate to SIGKILL after graceMs. */
  async function terminate(signal, graceMs) {
    const proc = child;
    const ent = entry;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      proc.ref(); // keep the event loop alive while we wait for the JVM
      try {
        killGroup(proc.pid, signal);
        if (!(await waitExit(proc, signal === 'SIGKILL' ? 10_000 : graceMs))) {
          log(options, `broker pid ${proc.pid} did not exit after ${signal} within ${graceMs} ms; sending SIGKILL`);
          killGroup(proc.pid, 'SIGKILL');
          await waitExit(proc, 10_000);
        }
      } finally {
        proc.unref();
      }
    }
    // the broker is gone: retire its watchdog (kept until now so that it still covers us if this
    // process dies during the grace period)
    stopWatchdog(watchdog);
    watchdog = null;
    if (ent) live.delete(ent);
    entry = null;
    if (cdsDump) {
      // the JVM writes the class archive while exiting after SIGTERM (exit code 143)
      const file = cdsDump;
      cdsDump = null;
      if (proc && (proc.exitCode === 143 || proc.exitCode === 0)) await installCdsArchive(cds, file);
      else await fsp.rm(file, { force: true }).catch(() => {});
    }
  }

  // ---- first start: pick ports, format storage, launch (retry on a lost port race)
  try {
    for (let attempt = 1; ; attempt++) {
      if (!fixedPorts || port === undefined || controllerPort === undefined) {
        const [p, c] = await freePorts(2);
        port ??= p;
        controllerPort ??= c === port ? (await freePorts(1))[0] : c;
      }
      fs.writeFileSync(configFile, serverProperties({ port, controllerPort, dataDir, overrides: options.config }));
      if (attempt === 1) {
        // kafka-storage.sh format: writes meta.properties + bootstrap.checkpoint into log.dirs
        await run(java, [...cdsFlags(false), ...jvmBase, STORAGE_TOOL_CLASS, 'format', '-t', newClusterId(), '-c', configFile, '--ignore-formatted'], {
          cwd: dir,
          label: `${STORAGE_TOOL_CLASS} format -c ${configFile}`,
        });
      }
      try {
        await launch();
        break;
      } catch (e) {
        if (e.bindFailure && !fixedPorts && attempt < 3) {
          log(options, `port race lost (${port}/${controllerPort}); retrying with new ports`);
          port = undefined;
          controllerPort = undefined;
          continue;
        }
        throw e;
      }
    }
  } catch (e) {
    await terminate('SIGKILL', 0).catch(() => {});
    await cleanupDir();
    throw e;
  }
  log(options, `Kafka ${KAFKA_VERSION} up at 127.0.0.1:${port} in ${Date.now() - t0} ms`);

  const handle = {
    bootstrap: `127.0.0.1:${port}`,
    port,
    controllerPort,
    dataDir: dir,
    logDirs: dataDir,
    logFile,
    configFile,
    version: KAFKA_VERSION,
    get pid() {
      return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    get running() {
      return !!child && child.exitCode === null && child.signalCode === null;
    },
    /** Graceful stop (SIGTERM, SIGKILL after 20 s), then remove the temp dir. Idempotent. */
    stop() {
      stopping ??= (async () => {
        stopped = true;
        try {
          await terminate('SIGTERM', STOP_GRACE_MS);
        } finally {
          await cleanupDir();
        }
      })();
      return stopping;
    },
    /** SIGKILL the broker (simulated crash). Data dir is kept; use restart() to bring it back. */
    async kill() {
      if (stopped) throw new Error('Kafka broker was stopped; kill() is no longer possible');
      await terminate('SIGKILL', 0);
    },
    /** (Re)start the broker on the SAME ports and data dir. Gracefully stops it first if running. */
    async restart() {
      if (stopped) throw new Error('Kafka broker was stopped (its data dir is gone); restart() is no longer possible');
      await terminate('SIGTERM', STOP_GRACE_MS);
      try {
        await launch();
      } catch (e) {
        await terminate('SIGKILL', 0).catch(() => {});
        throw e;
      }
    },
  };
  return handle;
}

// ---------------------------------------------------------------------------------------------
// CLI

async function main(argv) {
  const cmd = argv[0];
  if (cmd === 'fetch') {
    const { libs } = await ensureKafkaJars({ verbose: true });
    process.stdout.write(`KAFKA_LIBS=${libs}\n`);
    return;
  }
  if (cmd === 'start') {
    const portArg = argv.find((a) => a.startsWith('--port='));
    const kafka = await startKafka({
      verbose: true,
      port: portArg ? Number(portArg.slice('--port='.length)) : undefined,
    });
    process.stdout.write(`KAFKA_BOOTSTRAP=${kafka.bootstrap}\n`);
    process.stderr.write(`[kafka] pid ${kafka.pid}, dir ${kafka.dataDir}, log ${kafka.logFile}; Ctrl-C / SIGTERM to stop\n`);
    const keepAlive = setInterval(() => {
      if (!kafka.running) {
        process.stderr.write(`[kafka] broker process exited unexpectedly; see ${kafka.logFile}\n`);
        process.stderr.write(`${readTail(kafka.logFile, 40)}\n`);
        kafka.stop().finally(() => process.exit(1));
        clearInterval(keepAlive);
      }
    }, 1000);
    let signalled = false;
    const onSignal = (sig) => {
      if (signalled) return;
      signalled = true;
      clearInterval(keepAlive);
      process.stderr.write(`[kafka] ${sig}: stopping broker ...\n`);
      kafka
        .stop()
        .then(() => {
          process.stderr.write('[kafka] stopped\n');
          process.exit(0);
        })
        .catch((e) => {
          process.stderr.write(`[kafka] stop failed: ${e?.stack ?? e}\n`);
          process.exit(1);
        });
    };
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, onSignal);
    return;
  }
  process.stderr.write(
    'usage: node infra/kafka/broker.mjs fetch            download the Kafka broker jars (Maven)\n' +
      '       node infra/kafka/broker.mjs start [--port=N] start a broker, print KAFKA_BOOTSTRAP=..., run until SIGINT/SIGTERM\n',
  );
  process.exitCode = 2;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`broker.mjs: ${e?.message ?? e}\n`);
    process.exit(1);
  });
}
