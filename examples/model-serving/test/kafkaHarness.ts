/**
 * For the Kafka-mode tests: the service as a real child process (the built example, `node dist/main.js
 * --kafka …`, so that it can be SIGKILLed), and the broker-side facts the tests assert on — end and
 * committed offsets, the records of a topic, the consumer group's assignment — read with kafkajs' own
 * admin and consumer.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Admin, AssignerProtocol, Kafka, logLevel } from 'kafkajs';
import { inject } from 'vitest';

const EXAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const bootstrap = (): string => inject('kafkaBootstrap');

let counter = 0;
export const unique = (prefix: string): string => `${prefix}-${process.pid}-${Date.now().toString(36)}-${++counter}`;

let built = false;
/** The child processes run the example's dist: bring it (and what it references) up to date once. */
export function requireFreshBuild(): void {
  if (built) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-b', path.join(EXAMPLE, 'tsconfig.json')], { stdio: 'pipe' });
  } catch (e) {
    const out = (e as { stdout?: Buffer }).stdout?.toString() ?? String(e);
    throw new Error(`these tests run the built model-serving example as child processes, and building it failed:\n${out}`);
  }
  built = true;
}

/** A service instance: `node dist/main.js --kafka <bootstrap> …` with its output collected. */
export class ServiceProcess {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: readonly string[]) {
    this.child = spawn(process.execPath, [path.join(EXAMPLE, 'dist', 'main.js'), '--kafka', bootstrap(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      let rest = '';
      stream.setEncoding('utf8').on('data', (d: string) => {
        const parts = (rest + d).split('\n');
        rest = parts.pop()!;
        this.lines.push(...parts);
      });
    }
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  output(): string {
    return this.lines.join('\n');
  }
}

export async function withAdmin<T>(f: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Kafka({ clientId: 'model-serving-test', brokers: [bootstrap()], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return await f(admin);
  } finally {
    await admin.disconnect();
  }
}

export const endOffsets = (topic: string): Promise<Map<number, number>> =>
  withAdmin(async (admin) => new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)])));

export const committedOffsets = (group: string, topic: string): Promise<Map<number, number>> =>
  withAdmin(async (admin) => {
    const [t] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return new Map(t!.partitions.map((p) => [p.partition, Number(p.offset)]));
  });

/** The sum of a topic's end offsets: how many records it holds. */
export const recordCount = async (topic: string): Promise<number> => [...(await endOffsets(topic)).values()].reduce((a, b) => a + b, 0);

/** Every value of `topic`, read from the beginning with a plain kafkajs consumer. */
export async function readValues(topic: string, timeoutMs = 60_000): Promise<string[]> {
  const expected = await recordCount(topic);
  const consumer = new Kafka({ clientId: 'model-serving-test', brokers: [bootstrap()], logLevel: logLevel.NOTHING }).consumer({
    groupId: unique('reader'),
    maxWaitTimeInMs: 100,
  });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value!.toString('utf8'));
        if (values.length >= expected) done();
      },
    });
    if (expected > 0) await withTimeout(all, timeoutMs, `reading ${expected} records of ${topic}`);
    return values;
  } finally {
    await consumer.disconnect();
  }
}

/** Per member of `group` (by client id), the partitions of `topic` it is assigned, from the group's description. */
export async function groupAssignment(group: string, topic: string): Promise<Map<string, number[]>> {
  return withAdmin(async (admin) => {
    const { groups } = await admin.describeGroups([group]);
    const result = new Map<string, number[]>();
    for (const member of groups[0]?.members ?? []) {
      const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
      result.set(
        member.clientId,
        [...(decoded?.assignment[topic] ?? [])].sort((a, b) => a - b),
      );
    }
    return result;
  });
}

/**
 * Polls `pred` until it holds. A broker that has just started answers some requests with retriable errors
 * ("the coordinator is loading"): a throwing `pred` counts as not yet, and the last error is reported on timeout.
 */
export async function eventually(what: string, pred: () => boolean | Promise<boolean>, timeoutMs = 60_000, context: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await pred()) return;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const error = lastError === undefined ? '' : ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
      throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}${error}${context() ? `\n${context()}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms ${what}`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
