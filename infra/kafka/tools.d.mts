// Types for tools.mjs.
export const KafkaTools: {
  readonly ConsoleProducer: string;
  readonly DumpLogSegments: string;
  readonly ConsoleConsumer: string;
  readonly VerifiableProducer: string;
  readonly VerifiableConsumer: string;
  readonly ConsumerGroupCommand: string;
  readonly ConsumerPerformance: string;
  readonly ProducerPerformance: string;
  readonly TopicCommand: string;
};

export function runKafkaTool(
  mainClass: string,
  args: readonly string[],
  options?: { input?: string | Buffer; timeoutMs?: number; heapMb?: number; allowFailure?: boolean },
): Promise<{ code: number | null; stdout: string; stderr: string }>;
