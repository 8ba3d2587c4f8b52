/** What the Kafka test project's global setup provides to its tests. */
declare module 'vitest' {
  export interface ProvidedContext {
    /** `127.0.0.1:PORT` of the broker started by globalSetup.ts. */
    kafkaBootstrap: string;
    /** The broker's `log.dirs` (for Kafka's DumpLogSegments). */
    kafkaLogDirs: string;
  }
}

export {};
