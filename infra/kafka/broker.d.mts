// Types for broker.mjs, so TypeScript tests can import it under `strict`.

export interface StartKafkaOptions {
  /** PLAINTEXT port (default: a free one). */
  port?: number | undefined;
  /** CONTROLLER port (default: a free one). */
  controllerPort?: number | undefined;
  /** JVM -Xmx in MiB (default 512). */
  heapMb?: number | undefined;
  /** Readiness timeout (default 90 000 ms); the error carries the broker log's errors and tail. */
  startTimeoutMs?: number | undefined;
  /** Extra or overriding server.properties entries. */
  config?: Record<string, string | number | boolean> | undefined;
  /** Keep the temp dir after stop() (default false). */
  keepDataDir?: boolean | undefined;
  /** Progress lines on stderr (default false). */
  verbose?: boolean | undefined;
  /** Use/record the AppCDS class archive in the jar cache (default true). */
  cds?: boolean | undefined;
}

export interface KafkaBroker {
  /** '127.0.0.1:PORT' */
  readonly bootstrap: string;
  readonly port: number;
  readonly controllerPort: number;
  /** The broker's temp dir (server.properties, data/, logs/). */
  readonly dataDir: string;
  /** Kafka's log.dirs (inside dataDir). */
  readonly logDirs: string;
  /** The broker's log4j log file. */
  readonly logFile: string;
  readonly configFile: string;
  /** Kafka version, e.g. '3.9.2'. */
  readonly version: string;
  /** PID of the running broker JVM (undefined while it is not running). */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** SIGTERM, SIGKILL after 20 s, then remove the temp dir. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL (simulated crash); the data dir is kept for restart(). */
  kill(): Promise<void>;
  /** Start again on the same ports and data dir (stops it gracefully first if running). */
  restart(): Promise<void>;
}

export const KAFKA_VERSION: string;
export const KAFKA_MAIN_CLASS: string;
export const STORAGE_TOOL_CLASS: string;

export function startKafka(options?: StartKafkaOptions): Promise<KafkaBroker>;
export function ensureKafkaJars(options?: { verbose?: boolean | undefined }): Promise<{
  home: string;
  libs: string;
  version: string;
  classpath: string;
}>;
export function kafkaHome(): string;
export function probeMetadata(
  port: number,
  timeoutMs?: number,
): Promise<{
  brokers: Array<{ nodeId: number; host: string; port: number }>;
  topics: Array<{ errorCode: number; name: string; partitions: Array<{ errorCode: number; partition: number; leader: number }> }>;
}>;
